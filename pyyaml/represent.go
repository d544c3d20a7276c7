package pyyaml

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unsafe"

	"github.com/gansible/gansible/value"
)

// FlowStyle is yaml.dump's default_flow_style.
type FlowStyle int

const (
	// Block is default_flow_style=False, yaml.dump's default: every
	// non-empty collection in block style.
	Block FlowStyle = iota
	// Auto is default_flow_style=None: a collection whose items are all
	// scalars is written in flow style, the others in block style.
	Auto
	// Flow is default_flow_style=True: everything in flow style.
	Flow
)

// Style is a scalar style a representer asks for; the emitter falls back
// to a quoted style when the text does not allow it.
type Style int

const (
	Any Style = iota
	Literal
	Folded
	SingleQuoted
	DoubleQuoted
)

// Options are yaml.dump's keyword arguments. The zero value is yaml.dump's
// defaults.
type Options struct {
	Indent        int // indent=; outside 2..9 it is 2
	Width         int // width=; 0 or up to twice the indent is 80, negative is unlimited
	FlowStyle     FlowStyle
	KeepOrder     bool // sort_keys=False
	AllowUnicode  bool
	ExplicitStart bool
	ExplicitEnd   bool
	// Scalar, when set, is a representer's represent_scalar: it sees the
	// text of every scalar (after the default representers turned numbers,
	// booleans and null into text) and may change it and ask for a style.
	Scalar func(text string) (string, Style)
}

// node is a representation node (yaml/nodes.py).
type node struct {
	kind     nodeKind
	tag      string
	text     string
	style    Style
	flow     bool
	items    []*node // a sequence's items; a mapping's keys and values in turn
	explicit bool    // a representer gave the style: no longer a "plain" child for flow style
	anchor   string  // set by the serializer on a node that appears more than once
}

type nodeKind int

const (
	scalarNode nodeKind = iota
	sequenceNode
	mappingNode
)

// RepresenterError is PyYAML's "cannot represent an object".
type RepresenterError struct{ Value any }

func (e *RepresenterError) Error() string {
	return fmt.Sprintf("('cannot represent an object', %s)", value.Repr(e.Value))
}

type representer struct {
	opts *Options
	// represented are the nodes of the collections already represented,
	// by identity: a list or dict that appears twice is one node, which
	// the serializer then writes once with an anchor and after that as an
	// alias (SafeRepresenter aliases everything but scalars).
	represented map[any]*node
}

// identity is the key of a collection or vaulted value in represented: a
// Python object's id(). An empty list has none (Go's empty slices share
// their address).
func identity(v any) (any, bool) {
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			return nil, false
		}
		return [2]uintptr{uintptr(unsafe.Pointer(unsafe.SliceData(x))), uintptr(len(x))}, true
	case *value.Dict:
		return x, true
	case value.Unsafe:
		// A vaulted value is an object of its own in Ansible, aliased too;
		// gansible copies it, so its (salted, so unique) vaulted text
		// stands for its identity.
		if x.Vault && x.Ciphertext != "" {
			return vaultIdentity(x.Ciphertext), true
		}
	}
	return nil, false
}

type vaultIdentity string

func (r *representer) represent(v any) (*node, error) {
	id, aliased := identity(v)
	if aliased {
		if n, ok := r.represented[id]; ok {
			return n, nil
		}
	}
	n, err := r.representNew(v)
	if err == nil && aliased {
		r.represented[id] = n
	}
	return n, err
}

func (r *representer) representNew(v any) (*node, error) {
	switch x := v.(type) {
	case value.Unsafe:
		if x.Vault {
			// AnsibleDumper's represent_vault_encrypted_unicode: the
			// vaulted text, never the plaintext.
			if x.Ciphertext == "" {
				return nil, fmt.Errorf("a vaulted value without its vaulted text cannot be written as !vault (not supported)")
			}
			return &node{kind: scalarNode, tag: "!vault", text: x.Ciphertext, style: Literal, explicit: true}, nil
		}
		return r.represent(x.V)
	case nil:
		return r.scalar("tag:yaml.org,2002:null", "null"), nil
	case bool:
		if x {
			return r.scalar("tag:yaml.org,2002:bool", "true"), nil
		}
		return r.scalar("tag:yaml.org,2002:bool", "false"), nil
	case int:
		return r.scalar("tag:yaml.org,2002:int", strconv.Itoa(x)), nil
	case *big.Int:
		return r.scalar("tag:yaml.org,2002:int", x.String()), nil
	case float64:
		return r.scalar("tag:yaml.org,2002:float", floatText(x)), nil
	case string:
		return r.scalar(strTag, x), nil
	case []any:
		n := &node{kind: sequenceNode, tag: "tag:yaml.org,2002:seq"}
		for _, e := range x {
			c, err := r.represent(e)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, c)
		}
		n.flow = r.flowStyle(n.items)
		return n, nil
	case *value.Dict:
		keys := x.Keys()
		if !r.opts.KeepOrder {
			keys = x.SortedKeys()
		}
		n := &node{kind: mappingNode, tag: "tag:yaml.org,2002:map"}
		for _, k := range keys {
			e, _ := x.Get(k)
			kn := r.scalar(strTag, k)
			vn, err := r.represent(e)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, kn, vn)
		}
		n.flow = r.flowStyle(n.items)
		return n, nil
	case map[string]any:
		return r.represent(value.FromMap(x))
	}
	return nil, &RepresenterError{Value: v}
}

// flowStyle is represent_sequence and represent_mapping's choice: with
// default_flow_style None, flow style when every child is a scalar that
// no representer gave a style.
func (r *representer) flowStyle(children []*node) bool {
	switch r.opts.FlowStyle {
	case Flow:
		return true
	case Block:
		return false
	}
	for _, c := range children {
		if c.kind != scalarNode || c.explicit {
			return false
		}
	}
	return true
}

func (r *representer) scalar(tag, text string) *node {
	n := &node{kind: scalarNode, tag: tag, text: text}
	if r.opts.Scalar != nil {
		n.text, n.style = r.opts.Scalar(text)
		n.explicit = n.style != Any
	}
	return n
}

// floatText is SafeRepresenter.represent_float: repr() lower-cased, ".0"
// added before an exponent so that it reads back as a float.
func floatText(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	}
	s := strings.ToLower(value.FormatFloat(f))
	if !strings.Contains(s, ".") && strings.Contains(s, "e") {
		s = strings.Replace(s, "e", ".0e", 1)
	}
	return s
}

// anchorNodes is Serializer.anchor_node: a node met a second time gets
// the next anchor name, id001 on.
func anchorNodes(n *node, seen map[*node]bool, last *int) {
	if seen[n] {
		if n.anchor == "" {
			*last++
			n.anchor = fmt.Sprintf("id%03d", *last)
		}
		return
	}
	seen[n] = true
	for _, c := range n.items {
		anchorNodes(c, seen, last)
	}
}

// Dump is yaml.dump(v, Dumper=AnsibleDumper, **opts).
func Dump(v any, opts Options) (string, error) {
	r := representer{opts: &opts, represented: map[any]*node{}}
	n, err := r.represent(v)
	if err != nil {
		return "", err
	}
	anchorNodes(n, map[*node]bool{}, new(int))
	e := newEmitter(&opts)
	e.document(n)
	return e.out.String(), nil
}
