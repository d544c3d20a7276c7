package hostdiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gansible/gansible/difftest"
	"github.com/gansible/gansible/testcluster"
)

// A Recording is what ansible-playbook did on one case, run by run,
// stored under testdata/recorded by make record-hosts so that gansible
// can be compared with it on hosts without Python.
type Recording struct {
	Version string // ansible-core version the runs came from
	CaseSum string // Case.Sum of the case that was run
	Runs    []Run
}

// A Run is the outcome of one playbook run of a case.
type Run struct {
	Kind  string         `json:"-"`
	Exit  int            `json:"exit"`
	Recap difftest.Recap `json:"recap"`
	Tasks []TaskResult   `json:"tasks"`
	// Files are the hosts' changes since they started, by inventory
	// name (h1...) and path, normalized.
	Files map[string]map[string]testcluster.FileInfo `json:"files"`
}

// Header lines of a recording: the comment of the archive.
const (
	headerVersion = "ansible-core "
	headerCase    = "case sha256 "
	headerNote    = "Written by make record-hosts from ansible-playbook's runs of the case on fresh hosts; re-record, do not edit."
	runPrefix     = "run "
)

// Format renders the recording as a txtar archive: the header, then one
// section "run N KIND" per run holding the run as indented JSON.
func (r *Recording) Format() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s%s\n%s%s\n%s\n", headerVersion, r.Version, headerCase, r.CaseSum, headerNote)
	for i, run := range r.Runs {
		if _, ok := runKinds[run.Kind]; !ok {
			return nil, fmt.Errorf("run %d: unknown kind %q", i+1, run.Kind)
		}
		var body bytes.Buffer
		enc := json.NewEncoder(&body)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(run); err != nil {
			return nil, fmt.Errorf("run %d: %w", i+1, err)
		}
		// A marker line inside a JSON string cannot happen: JSON escapes
		// newlines, so every line of the body starts with space or a brace.
		fmt.Fprintf(&b, "-- %s%d %s --\n", runPrefix, i+1, run.Kind)
		b.Write(body.Bytes())
	}
	return b.Bytes(), nil
}

// ParseRecording reads an archive written by Format.
func ParseRecording(data []byte) (*Recording, error) {
	a := difftest.ParseArchive(data)
	header := strings.Split(string(a.Comment), "\n")
	if len(header) < 2 || !strings.HasPrefix(header[0], headerVersion) || !strings.HasPrefix(header[1], headerCase) {
		return nil, fmt.Errorf("line 1: want header %q and %q", headerVersion+"VERSION", headerCase+"SUM")
	}
	r := &Recording{
		Version: strings.TrimPrefix(header[0], headerVersion),
		CaseSum: strings.TrimPrefix(header[1], headerCase),
	}
	for i, f := range a.Files {
		num, kind, ok := strings.Cut(strings.TrimPrefix(f.Name, runPrefix), " ")
		if !strings.HasPrefix(f.Name, runPrefix) || !ok || num != strconv.Itoa(i+1) {
			return nil, fmt.Errorf("section %q: want %q", f.Name, fmt.Sprintf("%s%d KIND", runPrefix, i+1))
		}
		if _, known := runKinds[kind]; !known {
			return nil, fmt.Errorf("section %q: unknown run kind %q", f.Name, kind)
		}
		dec := json.NewDecoder(bytes.NewReader(f.Data))
		dec.DisallowUnknownFields()
		dec.UseNumber()
		run := Run{Kind: kind}
		if err := dec.Decode(&run); err != nil {
			return nil, fmt.Errorf("section %q: %w", f.Name, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("section %q: text after the run", f.Name)
		}
		r.Runs = append(r.Runs, run)
	}
	if len(r.Runs) == 0 {
		return nil, fmt.Errorf("no runs")
	}
	return r, nil
}
