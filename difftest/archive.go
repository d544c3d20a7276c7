package difftest

import (
	"bytes"
	"strings"
)

// An Archive is a parsed txtar file: free text followed by named files.
//
// The format is that of golang.org/x/tools/txtar: a file starts at a line
// of the form "-- NAME --" and runs until the next such line.
type Archive struct {
	Comment []byte
	Files   []ArchiveFile
}

// An ArchiveFile is one named section of an Archive.
type ArchiveFile struct {
	Name string
	Data []byte
}

// ParseArchive parses data in txtar format. It never fails: text that is
// not a file marker belongs to the preceding file (or the comment).
func ParseArchive(data []byte) *Archive {
	a := new(Archive)
	var cur *[]byte = &a.Comment
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i+1], data[i+1:]
		} else {
			data = nil
		}
		if name, ok := fileMarker(line); ok {
			a.Files = append(a.Files, ArchiveFile{Name: name})
			cur = &a.Files[len(a.Files)-1].Data
			continue
		}
		*cur = append(*cur, line...)
	}
	return a
}

// fileMarker reports whether line is "-- NAME --" and returns NAME.
func fileMarker(line []byte) (string, bool) {
	s := strings.TrimRight(string(line), "\r\n")
	if !strings.HasPrefix(s, "-- ") || !strings.HasSuffix(s, " --") || len(s) < len("-- x --") {
		return "", false
	}
	name := strings.TrimSpace(s[3 : len(s)-3])
	return name, name != ""
}

// Format renders a in txtar format, so that ParseArchive gives back an
// equal Archive. A file whose data lacks a final newline runs into the
// next file's marker; Format adds the newline then.
func (a *Archive) Format() []byte {
	var b bytes.Buffer
	b.Write(a.Comment)
	for _, f := range a.Files {
		if b.Len() > 0 && !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
			b.WriteByte('\n')
		}
		b.WriteString("-- " + f.Name + " --\n")
		b.Write(f.Data)
	}
	return b.Bytes()
}
