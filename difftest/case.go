package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Sections of a case archive that are not files of the project.
const (
	sectionArgs   = "args"          // extra command-line arguments, one per line
	sectionExpect = "expect"        // expectations, e.g. "exit 2"
	sectionAdapt  = "ansible-adapt" // "OLD => NEW" replacements for the ansible-playbook copy only
	sectionNoEOL  = "noeol"         // files whose final newline is dropped
	sectionKnown  = "known"         // a documented difference gansible does not close yet
	sectionNeeds  = "needs"         // what the machine must offer: "root", "command NAME"
)

// outPlaceholder is replaced, in every unpacked file, by the directory
// the playbook writes its results to.
const outPlaceholder = "@OUT@"

// A Case is one differential test: a playbook project and how to run it.
type Case struct {
	Name     string
	Files    []ArchiveFile // project files, paths relative to the project root
	Args     []string      // extra arguments after "-i inventory site.yml"
	Exit     int           // exit code ansible-playbook is expected to return
	Mentions []string      // strings the first error line must contain
	Adapt    []Replacement // applied only to the ansible-playbook copy
	// Known describes a documented difference: the comparison still runs,
	// and the case must still differ (or it is reported as fixed).
	Known string
	// NeedsRoot and Commands say what the case needs of the machine
	// beyond gansible: root (become through sudo, chown) and programs on
	// $PATH. The offline replay skips a case the machine cannot run.
	NeedsRoot bool
	Commands  []string
	// Sum identifies the archive's bytes (CaseSum), so that a recording
	// of an older version of the case is found stale.
	Sum string
}

// A Replacement is a literal text substitution.
type Replacement struct{ Old, New string }

// LoadCase reads and parses the case archive at path.
func LoadCase(path string) (*Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseCase(strings.TrimSuffix(filepath.Base(path), ".txtar"), data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.Sum = CaseSum(data)
	return c, nil
}

// ParseCase builds a Case from txtar data. The project must contain
// site.yml and inventory.
func ParseCase(name string, data []byte) (*Case, error) {
	c := &Case{Name: name}
	noEOL := map[string]bool{}
	for _, f := range ParseArchive(data).Files {
		var err error
		switch f.Name {
		case sectionArgs:
			c.Args = lines(f.Data)
		case sectionExpect:
			err = c.parseExpect(f.Data)
		case sectionAdapt:
			c.Adapt, err = parseAdapt(f.Data)
		case sectionKnown:
			c.Known = strings.TrimSpace(string(f.Data))
		case sectionNeeds:
			err = c.parseNeeds(f.Data)
		case sectionNoEOL:
			for _, l := range lines(f.Data) {
				noEOL[l] = true
			}
		default:
			if filepath.IsAbs(f.Name) || strings.HasPrefix(filepath.Clean(f.Name), "..") {
				err = fmt.Errorf("file %q escapes the project", f.Name)
			}
			c.Files = append(c.Files, f)
		}
		if err != nil {
			return nil, fmt.Errorf("section %q: %w", f.Name, err)
		}
	}
	for i, f := range c.Files {
		if noEOL[f.Name] {
			c.Files[i].Data = []byte(strings.TrimSuffix(string(f.Data), "\n"))
			delete(noEOL, f.Name)
		}
	}
	for name := range noEOL {
		return nil, fmt.Errorf("section %q names %q, which is not in the archive", sectionNoEOL, name)
	}
	for _, required := range []string{"site.yml", "inventory"} {
		if !c.has(required) {
			return nil, fmt.Errorf("missing file %q", required)
		}
	}
	return c, nil
}

func (c *Case) has(name string) bool {
	for _, f := range c.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}

// parseExpect reads lines "exit N" and "mention TEXT".
func (c *Case) parseExpect(data []byte) error {
	for _, l := range lines(data) {
		word, rest, _ := strings.Cut(l, " ")
		rest = strings.TrimSpace(rest)
		switch word {
		case "exit":
			n, err := strconv.Atoi(rest)
			if err != nil {
				return fmt.Errorf("bad exit code %q", rest)
			}
			c.Exit = n
		case "mention":
			c.Mentions = append(c.Mentions, rest)
		default:
			return fmt.Errorf("unknown expectation %q", l)
		}
	}
	return nil
}

// parseNeeds reads lines "root" and "command NAME...".
func (c *Case) parseNeeds(data []byte) error {
	for _, l := range lines(data) {
		fields := strings.Fields(l)
		switch {
		case l == "root":
			c.NeedsRoot = true
		case fields[0] == "command" && len(fields) > 1:
			c.Commands = append(c.Commands, fields[1:]...)
		default:
			return fmt.Errorf("unknown need %q (want \"root\" or \"command NAME\")", l)
		}
	}
	return nil
}

func parseAdapt(data []byte) ([]Replacement, error) {
	var rs []Replacement
	for _, l := range lines(data) {
		old, new, ok := strings.Cut(l, " => ")
		if !ok {
			return nil, fmt.Errorf("want \"OLD => NEW\", got %q", l)
		}
		rs = append(rs, Replacement{Old: old, New: new})
	}
	return rs, nil
}

// lines returns the non-blank lines of data, with surrounding space
// removed. Lines starting with # are comments.
func lines(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// Unpack writes the project into dir, replacing @OUT@ with outDir in
// every file. When adapt is set, the case's replacements are applied
// too, turning legacy syntax into what ansible-core accepts.
func (c *Case) Unpack(dir, outDir string, adapt bool) error {
	for _, f := range c.Files {
		text := strings.ReplaceAll(string(f.Data), outPlaceholder, outDir)
		if adapt {
			for _, r := range c.Adapt {
				text = strings.ReplaceAll(text, r.Old, r.New)
			}
		}
		path := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
