package output

import (
	"errors"
	"io"
	"regexp"
	"strings"

	"github.com/gansible/gansible/pyyaml"
	"github.com/gansible/gansible/value"
)

// NewYAML returns community.general.yaml (ansible 7.7.0's): the default
// callback with every result printed as YAML after a header of its
// changed= and skipped= words, instead of JSON.
func NewYAML(out, errOut io.Writer, color bool, verbosity int) *Default {
	d := NewDefault(out, errOut, color, verbosity)
	d.dump = d.yamlResult
	return d
}

// yamlResult is the yaml callback's _dump_results (which ignores indent).
func (d *Default) yamlResult(shown map[string]any, _ int) string {
	res := make(map[string]any, len(shown))
	for k, v := range shown {
		res[k] = v
	}
	if d.verbosity < 3 {
		delete(res, "invocation")
		delete(res, "diff")
	}
	delete(res, "exception")
	var sb strings.Builder
	for _, k := range []string{"changed", "skipped"} {
		if v, ok := res[k]; ok {
			sb.WriteString(k + "=" + strings.ToLower(value.Str(v)) + " ")
			delete(res, k)
		}
	}
	for _, k := range []string{"stdout", "stderr"} {
		_, text := res[k]
		if _, lines := res[k+"_lines"]; text && lines {
			res[k+"_lines"] = "<omitted>"
		}
	}
	if len(res) > 0 {
		sb.WriteString("\n")
		sb.WriteString(dumpYAML(res))
	}
	return strings.TrimRightFunc(strings.ReplaceAll(sb.String(), "\n", "\n  "), isPySpace)
}

// dumpYAML is the callback's yaml.dump(..., allow_unicode=True,
// width=1000, Dumper=MyDumper, default_flow_style=False).
func dumpYAML(v any) string {
	opts := pyyaml.Options{Width: 1000, AllowUnicode: true, Scalar: blockScalar}
	s, err := pyyaml.Dump(v, opts)
	var re *pyyaml.RepresenterError
	if errors.As(err, &re) {
		// Go values other than data (structs, typed slices) print as
		// their JSON would.
		if conv, cerr := value.FromGo(v); cerr == nil {
			s, err = pyyaml.Dump(conv, opts)
		}
	}
	if err != nil {
		return err.Error()
	}
	return s
}

var (
	blockBreaks    = "\n\r\x1c\x1d\x1e\u0085\u2028\u2029"
	oddWhitespace  = regexp.MustCompile("[\x0b\x0c\r]")
	spacesAtBreaks = regexp.MustCompile(` +\n`)
)

// blockScalar is MyDumper.represent_scalar: text with a line break is
// written as a literal block, cleaned up for reading (trailing space
// dropped, non-printable characters removed, tabs expanded).
func blockScalar(s string) (string, pyyaml.Style) {
	if !strings.ContainsAny(s, blockBreaks) {
		return s, pyyaml.Any
	}
	s = strings.TrimRightFunc(s, isPySpace)
	s = strings.Map(func(r rune) rune {
		if r >= 0xA0 || (r < 0x7F && (r >= 0x20 || strings.ContainsRune(" \t\n\r\x0b\x0c", r))) {
			return r
		}
		return -1
	}, s)
	s = expandTabs(s)
	s = oddWhitespace.ReplaceAllString(s, "")
	s = spacesAtBreaks.ReplaceAllString(s, "\n")
	return s, pyyaml.Literal
}

// isPySpace is Python's str.isspace, which str.rstrip strips.
func isPySpace(r rune) bool {
	switch {
	case r >= 0x09 && r <= 0x0D, r >= 0x1C && r <= 0x20, r == 0x85, r == 0xA0, r == 0x1680:
		return true
	case r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// expandTabs is Python's str.expandtabs(): tab stops every 8 columns,
// counted from the last \n or \r.
func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var sb strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			n := 8 - col%8
			sb.WriteString(strings.Repeat(" ", n))
			col += n
		case '\n', '\r':
			sb.WriteRune(r)
			col = 0
		default:
			sb.WriteRune(r)
			col++
		}
	}
	return sb.String()
}
