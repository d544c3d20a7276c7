package template

import (
	"fmt"
	"strings"

	"github.com/gansible/gansible/template/syntax"
	"github.com/gansible/gansible/value"
)

// headerPrefix starts Ansible's environment override line: a template whose
// text begins "#jinja2: trim_blocks: False, lstrip_blocks: True" is lexed
// with those settings, and that first line is not part of the output.
const headerPrefix = "#jinja2:"

// headerError is a malformed override line. Ansible raises it outside its
// template error handling, so it reads as a bare message.
type headerError struct{ msg string }

func (e *headerError) Error() string { return e.msg }

// applyHeader is the override step of Ansible's Templar.do_template: it
// returns the source without the header line and the syntax the header
// asks for. Like Ansible it slices the line with str.find, so a header with
// no newline after it loses its last character and stays in the source.
func (e *Engine) applyHeader(src string, syn syntax.Syntax) (string, syntax.Syntax, error) {
	if !strings.HasPrefix(src, headerPrefix) {
		return src, syn, nil
	}
	var line string
	if eol := strings.IndexByte(src, '\n'); eol >= 0 {
		line, src = src[len(headerPrefix):eol], src[eol+1:]
	} else if len(src) > len(headerPrefix) {
		line = src[len(headerPrefix) : len(src)-1]
	}
	for _, pair := range strings.Split(line, ",") {
		key, val, ok := strings.Cut(pair, ":")
		if !ok {
			return "", syn, &headerError{fmt.Sprintf("failed to parse jinja2 override '%s'. Did you use something different from colon as key-value separator?", strings.TrimSpace(pair))}
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		v, err := e.literalValue(val)
		if err != nil {
			return "", syn, err
		}
		if err := setSyntax(&syn, key, v); err != nil {
			return "", syn, err
		}
	}
	return src, syn, nil
}

// literalValue is Python's ast.literal_eval of one override value.
func (e *Engine) literalValue(s string) (any, error) {
	bad := &headerError{fmt.Sprintf("ValueError: malformed node or string: %s", s)}
	x, ok := syntax.ParseLiteral(s, false)
	if !ok {
		return nil, bad
	}
	v, err := newEvaluator(e, nil).eval(x, nil)
	if err != nil {
		return nil, bad
	}
	return v, nil
}

// setSyntax sets one environment attribute named in a header. Python lets
// any attribute be set on the environment, so unknown names change nothing;
// the Jinja2 settings gansible does not implement are refused.
func setSyntax(syn *syntax.Syntax, key string, v any) error {
	strField := map[string]*string{
		"block_start_string": &syn.BlockStart, "block_end_string": &syn.BlockEnd,
		"variable_start_string": &syn.VariableStart, "variable_end_string": &syn.VariableEnd,
		"comment_start_string": &syn.CommentStart, "comment_end_string": &syn.CommentEnd,
		"newline_sequence": &syn.NewlineSequence,
	}
	boolField := map[string]*bool{
		"trim_blocks": &syn.TrimBlocks, "lstrip_blocks": &syn.LstripBlocks,
		"keep_trailing_newline": &syn.KeepTrailingNewline,
	}
	if p, ok := strField[key]; ok {
		s, isStr := v.(string)
		if !isStr || s == "" {
			return &headerError{fmt.Sprintf("jinja2 override %s must be a non-empty string, got %s", key, value.Repr(v))}
		}
		*p = s
		return nil
	}
	if p, ok := boolField[key]; ok {
		*p = truthy(v)
		return nil
	}
	switch key {
	case "autoescape", "line_statement_prefix", "line_comment_prefix", "extensions", "finalize", "undefined":
		return &headerError{fmt.Sprintf("jinja2 override %s is not supported", key)}
	}
	return nil
}
