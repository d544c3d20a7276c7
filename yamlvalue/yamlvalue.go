// Package yamlvalue decodes YAML into plain Go values the way Ansible's
// loader (PyYAML, YAML 1.1) reads them, keeping source positions for errors.
//
// yaml.v3 speaks YAML 1.2, where yes/no/on/off are strings and 0644 is a
// decimal; Ansible content is written for YAML 1.1, where they are booleans
// and an octal. Plain scalars are resolved here with the 1.1 rules.
package yamlvalue

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/vault"
)

// VaultTag marks an inline vaulted string (ansible-vault encrypt_string).
const VaultTag = "!vault"

// UnsafeTag marks a string that is never templated.
const UnsafeTag = "!unsafe"

// decryptScalar decrypts an inline !vault value with the process's
// secrets. Like Ansible's AnsibleVaultEncryptedUnicode, the plaintext is
// never templated: "{{" in a secret stays as it is. A value that cannot be
// decrypted now (no secret, or not the right one) is Ansible's lazy value:
// its error comes when a template uses it, so an unused value for another
// vault id does no harm.
func decryptScalar(file string, n *yaml.Node) (any, error) {
	// Ansible names no file for an inline value.
	plain, err := vault.DecryptString([]byte(n.Value), "")
	var ve *vault.Error
	switch {
	case errors.As(err, &ve):
		return &VaultValue{Pos: At(file, n), Text: n.Value, Err: err}, nil
	case err != nil:
		return nil, &Error{Pos: At(file, n), Msg: err.Error(), Err: err}
	}
	return value.Unsafe{V: string(plain), Vault: true, Ciphertext: n.Value}, nil
}

// VaultValue is an inline vaulted string that could not be decrypted when
// its document was read.
type VaultValue struct {
	Pos  Pos
	Text string // the vaulted text
	Err  error  // why it could not be decrypted
}

// Value decrypts the value, with the secrets known now, or returns the
// decryption error.
func (v *VaultValue) Value() (any, error) {
	plain, err := vault.DecryptString([]byte(v.Text), "")
	if err != nil {
		return nil, err
	}
	return value.Unsafe{V: string(plain), Vault: true, Ciphertext: v.Text}, nil
}

// Pos is a position in a source file.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// At returns the position of node in file.
func At(file string, node *yaml.Node) Pos {
	if node == nil {
		return Pos{File: file}
	}
	return Pos{File: file, Line: node.Line, Col: node.Column}
}

// Error is an error at a position in a source file.
type Error struct {
	Pos Pos
	Msg string
	Err error // the cause: a *SyntaxError, or another package's (a vault error)
}

// A SyntaxError is the exception PyYAML raises for a document it
// refuses, for a caller that reports it as Python does (the from_yaml
// filter): Class is its Python class and Problem its problem, at the
// Error's position. Error.Msg is Ansible's loader's report of it.
type SyntaxError struct {
	Class   string
	Problem string
}

func (e *SyntaxError) Error() string { return e.Problem }

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error at pos.
func Errorf(pos Pos, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// ParseFile reads and parses a YAML file. A syntax error names the file and
// line. An empty file, or one holding only null, yields a nil node.
//
// A whole-file vaulted document is decrypted first (package vault, with
// the process's secrets); the plaintext stays in memory.
func ParseFile(path string) (*yaml.Node, error) {
	data, err := vault.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses YAML source; name is used in errors. Like Ansible's loader it
// reads a single document: an empty one (or one that is only null) yields a
// nil node, and a second document is a syntax error.
func Parse(name string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, syntaxError(name, data, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, &Error{Pos: Pos{File: name, Line: next.Line, Col: next.Column}, Msg: loadErrorMessage(data, "but found another document"),
			Err: &SyntaxError{Class: "yaml.composer.ComposerError", Problem: "but found another document"}}
	case err != io.EOF:
		return nil, syntaxError(name, data, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" && root.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
		return nil, nil
	}
	if err := checkAliasExpansion(name, root); err != nil {
		return nil, err
	}
	if err := checkKeys(name, data, root); err != nil {
		return nil, err
	}
	warnDuplicateKeys(name, root)
	return root, nil
}

// checkKeys refuses a document whose mapping keys Python cannot hash.
func checkKeys(name string, data []byte, root *yaml.Node) error {
	k := unhashableKey(root)
	if k == nil {
		return nil
	}
	problem := fmt.Sprintf("found unacceptable key (unhashable type: '%s')", ansibleTypeName(k))
	return &Error{Pos: At(name, k), Msg: loadErrorMessage(data, problem),
		Err: &SyntaxError{Class: "yaml.constructor.ConstructorError", Problem: problem}}
}

// unhashableKey returns the first mapping key under n that is itself a
// mapping or a sequence, which Python cannot hash and so Ansible's
// constructor refuses. For an alias it is the aliased node, where PyYAML
// places the error.
func unhashableKey(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.AliasNode {
				k = k.Alias
			}
			if k.Kind == yaml.MappingNode || k.Kind == yaml.SequenceNode {
				return k
			}
		}
	}
	for _, c := range n.Content {
		if c.Kind == yaml.AliasNode {
			continue
		}
		if k := unhashableKey(c); k != nil {
			return k
		}
	}
	return nil
}

// ansibleTypeName is the Python type of the value node n constructs.
func ansibleTypeName(n *yaml.Node) string {
	if n.Kind == yaml.MappingNode {
		return "AnsibleMapping"
	}
	return "AnsibleSequence"
}

// DecodeAll decodes every document of a YAML stream, as PyYAML's
// load_all: an empty document is None.
func DecodeAll(name string, data []byte) ([]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	out := []any{}
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if err == io.EOF {
				return out, nil
			}
			return nil, syntaxError(name, nil, err)
		}
		var v any
		if len(doc.Content) > 0 {
			if err := checkAliasExpansion(name, doc.Content[0]); err != nil {
				return nil, err
			}
			if err := checkKeys(name, nil, doc.Content[0]); err != nil {
				return nil, err
			}
			var err error
			if v, err = Decode(name, doc.Content[0]); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
}

// warn receives the loader's warnings; SetWarner sets it.
var warn atomic.Pointer[func(string)]

// SetWarner makes f receive the warnings of YAML loading (duplicate keys),
// as Ansible prints them while it loads a file. Without it they are not
// shown.
func SetWarner(f func(string)) { warn.Store(&f) }

// warnDuplicateKeys warns of each mapping that sets a key twice, as
// Ansible's loader does; the last value is the one used.
func warnDuplicateKeys(name string, root *yaml.Node) {
	w := warn.Load()
	if w == nil {
		return
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			seen := map[string]bool{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind != yaml.ScalarNode || k.Value == "<<" {
					continue
				}
				if seen[k.Value] {
					file := name
					if abs, err := filepath.Abs(name); err == nil {
						file = abs
					}
					(*w)(fmt.Sprintf("While constructing a mapping from %s, line %d, column %d, found a duplicate dict key (%s). Using last defined value only.", file, n.Line, n.Column, k.Value))
				}
				seen[k.Value] = true
			}
		}
		for _, c := range n.Content {
			if c.Kind != yaml.AliasNode {
				walk(c)
			}
		}
	}
	walk(root)
}

// syntaxError is a YAML syntax error of data (nil for a document that is
// not a file the loader reads) in Ansible's words.
func syntaxError(name string, data []byte, err error) error {
	msg := err.Error()
	var se *yaml.SyntaxError
	if errors.As(err, &se) {
		// Ansible reports PyYAML's problem mark, counted from 1.
		class := "yaml.parser.ParserError"
		switch {
		case se.Scanner:
			class = "yaml.scanner.ScannerError"
		case se.Problem == "found undefined alias":
			class = "yaml.composer.ComposerError"
		}
		return &Error{Pos: Pos{File: name, Line: se.Line + 1, Col: se.Column + 1}, Msg: loadErrorMessage(data, se.Problem),
			Err: &SyntaxError{Class: class, Problem: se.Problem}}
	}
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{Pos: Pos{File: name, Line: line, Col: 1}, Msg: loadErrorMessage(data, m[2])}
	}
	return &Error{Pos: Pos{File: name}, Msg: loadErrorMessage(data, strings.TrimPrefix(msg, "yaml: "))}
}

// MaxExpandedNodes bounds the number of values a document may hold once its
// aliases are expanded. PyYAML shares aliased values, but gansible's
// consumers copy them, so a "billion laughs" document of a few lines would
// otherwise take all memory.
const MaxExpandedNodes = 1_000_000

// checkAliasExpansion fails when aliases make root expand to more than
// MaxExpandedNodes values, naming the outermost alias that does it.
func checkAliasExpansion(name string, root *yaml.Node) error {
	sizes := map[*yaml.Node]int{}
	hasAlias := false
	var size func(n *yaml.Node) int
	size = func(n *yaml.Node) int {
		if s, ok := sizes[n]; ok {
			return s
		}
		sizes[n] = 1 // a node that (wrongly) contains itself counts once
		s := 1
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			hasAlias = true
			s = size(n.Alias)
		}
		for _, c := range n.Content {
			s += size(c)
			if s > MaxExpandedNodes {
				s = MaxExpandedNodes + 1 // saturate: never overflow
			}
		}
		sizes[n] = s
		return s
	}
	if size(root) <= MaxExpandedNodes || !hasAlias {
		return nil
	}
	// Descend along the children that alone exceed the budget to the alias
	// responsible; if none does, the node where the sum crosses it.
	n := root
	for n.Kind != yaml.AliasNode {
		var big *yaml.Node
		for _, c := range n.Content {
			if sizes[c] > MaxExpandedNodes {
				big = c
				break
			}
		}
		if big == nil {
			break
		}
		n = big
	}
	return Errorf(At(name, n), "YAML aliases expand to more than %d values (an alias bomb?)", MaxExpandedNodes)
}

// maxAliasNodes bounds how many nodes Decode builds for aliases. An alias
// is expanded into a copy of its anchor's value; anchors built of aliases
// of aliases grow exponentially ("billion laughs"), which a few hundred
// bytes of YAML turn into hours of work and all memory. Real content
// reuses anchors a few thousand nodes' worth at most.
const maxAliasNodes = 200_000

// Decode converts a node to package value's values: *value.Dict in the
// order the keys are written, []any, string, int, float64, bool and nil.
func Decode(file string, n *yaml.Node) (any, error) {
	d := &decoder{file: file}
	return d.decode(n)
}

// decoder holds the state of one Decode call.
type decoder struct {
	file string
	// aliasDepth counts the aliases being expanded around the current
	// node; aliasNodes counts the nodes built inside them.
	aliasDepth, aliasNodes int
}

// enterAlias starts the expansion of the alias (or merge source) at at.
func (d *decoder) enterAlias(at *yaml.Node) error {
	d.aliasDepth++
	return d.count(at)
}

func (d *decoder) count(at *yaml.Node) error {
	if d.aliasDepth == 0 {
		return nil
	}
	d.aliasNodes++
	if d.aliasNodes > maxAliasNodes {
		return Errorf(At(d.file, at), "document contains excessive aliasing (more than %d nodes built from aliases)", maxAliasNodes)
	}
	return nil
}

func (d *decoder) decode(n *yaml.Node) (any, error) {
	if n == nil {
		return nil, nil
	}
	if err := d.count(n); err != nil {
		return nil, err
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return d.decode(n.Content[0])
	case yaml.AliasNode:
		if err := d.enterAlias(n); err != nil {
			return nil, err
		}
		defer func() { d.aliasDepth-- }()
		return d.decode(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := d.decode(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := value.NewDict(len(n.Content) / 2)
		if err := d.decodeMapInto(n, out); err != nil {
			return nil, err
		}
		return out, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case VaultTag:
			return decryptScalar(d.file, n)
		case UnsafeTag:
			// Ansible's AnsibleUnsafeText: never templated, wherever it
			// goes.
			return value.Unsafe{V: n.Value}, nil
		}
		return Scalar(n), nil
	}
	if n.Tag == VaultTag {
		return nil, Errorf(At(d.file, n), "A vaulted value must be a scalar: !vault tags a string")
	}
	return nil, Errorf(At(d.file, n), "unexpected YAML node")
}

// decodeMapInto decodes the pairs of mapping n into out. As in PyYAML, the
// pairs of a "<<" merge come first, so the mapping's own keys win while a
// merged key keeps its place.
func (d *decoder) decodeMapInto(n *yaml.Node, out *value.Dict) error {
	own := make([]int, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" || (k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Style == 0) {
			src := v
			if src.Kind == yaml.AliasNode {
				src = src.Alias
			}
			if src.Kind == yaml.MappingNode {
				if err := d.merge(v, src, out); err != nil {
					return err
				}
				continue
			}
		}
		own = append(own, i)
	}
	for _, i := range own {
		k, v := n.Content[i], n.Content[i+1]
		key, err := d.decode(k)
		if err != nil {
			return err
		}
		val, err := d.decode(v)
		if err != nil {
			return err
		}
		out.Set(Stringify(key), val)
	}
	return nil
}

// merge decodes the "<<" source src, written at v, into out.
func (d *decoder) merge(v, src *yaml.Node, out *value.Dict) error {
	if v.Kind != yaml.AliasNode {
		return d.decodeMapInto(src, out)
	}
	if err := d.enterAlias(v); err != nil {
		return err
	}
	defer func() { d.aliasDepth-- }()
	return d.decodeMapInto(src, out)
}

// Stringify renders a decoded scalar as Python's str() would, for map keys.
func Stringify(v any) string { return value.Str(v) }

var (
	yaml11Int   = regexp.MustCompile(`^[-+]?(0|[1-9][0-9_]*)$`)
	yaml11Octal = regexp.MustCompile(`^[-+]?0[0-7_]+$`)
	yaml11Hex   = regexp.MustCompile(`^[-+]?0x[0-9a-fA-F_]+$`)
	yaml11Bin   = regexp.MustCompile(`^[-+]?0b[01_]+$`)
	yaml11Float = regexp.MustCompile(`^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$`)
)

// Scalar resolves a scalar node with YAML 1.1 rules, as PyYAML does.
func Scalar(n *yaml.Node) any {
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Value
	}
	if n.Style&yaml.TaggedStyle != 0 {
		switch n.Tag {
		case "!!int", "!!float", "!!bool", "!!null":
		default:
			// !!str, and Ansible's own tags (!unsafe, !vault): keep the text.
			return n.Value
		}
	}
	return resolvePlain(n.Value)
}

func resolvePlain(s string) any {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return nil
	case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return true
	case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return false
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return math.Inf(1)
	case "-.inf", "-.Inf", "-.INF":
		return math.Inf(-1)
	case ".nan", ".NaN", ".NAN":
		return math.NaN()
	}
	clean := strings.ReplaceAll(s, "_", "")
	switch {
	case yaml11Int.MatchString(s):
		if n, err := strconv.ParseInt(clean, 10, 64); err == nil {
			return int(n)
		}
	case yaml11Octal.MatchString(s):
		if n, err := strconv.ParseInt(clean, 8, 64); err == nil {
			return int(n)
		}
	case yaml11Hex.MatchString(s):
		sign := ""
		if clean[0] == '-' || clean[0] == '+' {
			sign, clean = clean[:1], clean[1:]
		}
		if n, err := strconv.ParseInt(sign+clean[2:], 16, 64); err == nil {
			return int(n)
		}
	case yaml11Bin.MatchString(s):
		sign := ""
		if clean[0] == '-' || clean[0] == '+' {
			sign, clean = clean[:1], clean[1:]
		}
		if n, err := strconv.ParseInt(sign+clean[2:], 2, 64); err == nil {
			return int(n)
		}
	case yaml11Float.MatchString(s) && s != ".":
		if f, err := strconv.ParseFloat(clean, 64); err == nil {
			return f
		}
	}
	return s
}
