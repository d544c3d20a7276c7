package pyyaml

import (
	"math"
	"strings"
)

// emitter is libyaml's yaml_emitter_t reduced to what yaml.dump drives:
// no anchors, no directives, no canonical output. The state machine's
// states are the call stack here; the fields and the order in which they
// are read and written are libyaml's, since the output depends on them
// (whitespace and indention decide where breaks and spaces go).
type emitter struct {
	out strings.Builder

	bestIndent, bestWidth int
	unicode               bool
	explicitStart         bool
	explicitEnd           bool

	indent     int
	indents    []int
	flowLevel  int
	column     int
	whitespace bool
	indention  bool
	openEnded  int

	// the context of the node being written (emit_node's arguments)
	mappingContext, simpleKeyContext bool
	// written are the anchored nodes already written: again, they are
	// aliases.
	written map[*node]bool
}

func newEmitter(o *Options) *emitter {
	e := &emitter{
		bestIndent:    o.Indent,
		bestWidth:     o.Width,
		unicode:       o.AllowUnicode,
		explicitStart: o.ExplicitStart,
		explicitEnd:   o.ExplicitEnd,
	}
	// yaml_emitter_set_indent, set_width, then emit_stream_start.
	if e.bestIndent < 2 || e.bestIndent > 9 {
		e.bestIndent = 2
	}
	if e.bestWidth >= 0 && e.bestWidth <= e.bestIndent*2 {
		e.bestWidth = 80
	}
	if e.bestWidth < 0 {
		e.bestWidth = math.MaxInt
	}
	e.written = map[*node]bool{}
	e.indent = -1
	e.whitespace = true
	e.indention = true
	return e
}

// document writes one document and the stream's end.
func (e *emitter) document(root *node) {
	e.openEnded = 0
	if e.explicitStart {
		e.writeIndent()
		e.writeIndicator("---", true, false, false)
	}
	e.openEnded = 0
	e.node(root, false, false)
	e.writeIndent()
	if e.explicitEnd {
		e.writeIndicator("...", true, false, false)
		e.openEnded = 0
		e.writeIndent()
	} else if e.openEnded == 0 {
		e.openEnded = 1
	}
	// A block scalar with trailing empty lines ends the stream with "...".
	if e.openEnded == 2 {
		e.writeIndicator("...", true, false, false)
		e.openEnded = 0
		e.writeIndent()
	}
}

func (e *emitter) node(n *node, mapping, simpleKey bool) {
	e.mappingContext = mapping
	e.simpleKeyContext = simpleKey
	if n.anchor != "" {
		if e.written[n] { // yaml_emitter_emit_alias
			e.writeIndicator("*", true, false, false)
			e.writeAnchor(n.anchor)
			if simpleKey {
				e.put(' ')
			}
			return
		}
		e.written[n] = true
		e.writeIndicator("&", true, false, false)
		e.writeAnchor(n.anchor)
	}
	switch n.kind {
	case scalarNode:
		e.scalar(n)
	case sequenceNode:
		if e.flowLevel > 0 || n.flow || len(n.items) == 0 {
			e.flowSequence(n)
		} else {
			e.blockSequence(n)
		}
	case mappingNode:
		if e.flowLevel > 0 || n.flow || len(n.items) == 0 {
			e.flowMapping(n)
		} else {
			e.blockMapping(n)
		}
	}
}

func (e *emitter) increaseIndent(flow, indentless bool) {
	e.indents = append(e.indents, e.indent)
	if e.indent < 0 {
		if flow {
			e.indent = e.bestIndent
		} else {
			e.indent = 0
		}
	} else if !indentless {
		e.indent += e.bestIndent
	}
}

func (e *emitter) popIndent() {
	e.indent = e.indents[len(e.indents)-1]
	e.indents = e.indents[:len(e.indents)-1]
}

func (e *emitter) flowSequence(n *node) {
	e.writeIndicator("[", true, true, false)
	e.increaseIndent(true, false)
	e.flowLevel++
	for i, item := range n.items {
		if i > 0 {
			e.writeIndicator(",", false, false, false)
		}
		if e.column > e.bestWidth {
			e.writeIndent()
		}
		e.node(item, false, false)
	}
	e.flowLevel--
	e.popIndent()
	e.writeIndicator("]", false, false, false)
}

func (e *emitter) flowMapping(n *node) {
	e.writeIndicator("{", true, true, false)
	e.increaseIndent(true, false)
	e.flowLevel++
	for i := 0; i < len(n.items); i += 2 {
		if i > 0 {
			e.writeIndicator(",", false, false, false)
		}
		if e.column > e.bestWidth {
			e.writeIndent()
		}
		key, val := n.items[i], n.items[i+1]
		if e.simpleKey(key) {
			e.node(key, true, true)
			e.writeIndicator(":", false, false, false)
		} else {
			e.writeIndicator("?", true, false, false)
			e.node(key, true, false)
			if e.column > e.bestWidth {
				e.writeIndent()
			}
			e.writeIndicator(":", true, false, false)
		}
		e.node(val, true, false)
	}
	e.flowLevel--
	e.popIndent()
	e.writeIndicator("}", false, false, false)
}

func (e *emitter) blockSequence(n *node) {
	// A sequence that is a mapping's value starts on the key's line's
	// indentation: PyYAML's (and libyaml's) indentless sequences.
	e.increaseIndent(false, e.mappingContext && !e.indention)
	for _, item := range n.items {
		e.writeIndent()
		e.writeIndicator("-", true, false, true)
		e.node(item, false, false)
	}
	e.popIndent()
}

func (e *emitter) blockMapping(n *node) {
	e.increaseIndent(false, false)
	for i := 0; i < len(n.items); i += 2 {
		e.writeIndent()
		key, val := n.items[i], n.items[i+1]
		if e.simpleKey(key) {
			e.node(key, true, true)
			e.writeIndicator(":", false, false, false)
		} else {
			e.writeIndicator("?", true, false, true)
			e.node(key, true, false)
			e.writeIndent()
			e.writeIndicator(":", true, false, true)
		}
		e.node(val, true, false)
	}
	e.popIndent()
}

// simpleKey is yaml_emitter_check_simple_key: a key is written "key:"
// when it is a one-line scalar of at most 128 bytes or an empty
// collection, else as "? key".
func (e *emitter) simpleKey(n *node) bool {
	switch n.kind {
	case scalarNode:
		a := analyze(n.text, e.unicode)
		if a.multiline {
			return false
		}
		handle, suffix := tagOf(n)
		return len(handle)+len(suffix)+len(n.text) <= 128
	default:
		return len(n.items) == 0
	}
}

// tagOf is the tag written before a scalar: none when the text resolves
// to its tag plain or quoted, else the !! short form.
func tagOf(n *node) (handle, suffix string) {
	if n.tag == strTag || resolvePlain(n.text) == n.tag {
		return "", ""
	}
	if rest, ok := strings.CutPrefix(n.tag, "tag:yaml.org,2002:"); ok {
		return "!!", rest
	}
	return "!", strings.TrimPrefix(n.tag, "!") // a local tag: !vault
}

func (e *emitter) scalar(n *node) {
	a := analyze(n.text, e.unicode)
	plainImplicit := resolvePlain(n.text) == n.tag
	quotedImplicit := n.tag == strTag
	handle, suffix := tagOf(n)
	noTag := handle == "" && suffix == ""

	// yaml_emitter_select_scalar_style
	style := n.style
	plain := style == Any
	if e.simpleKeyContext && a.multiline {
		style, plain = DoubleQuoted, false
	}
	if plain {
		if (e.flowLevel > 0 && !a.flowPlainAllowed) || (e.flowLevel == 0 && !a.blockPlainAllowed) {
			style, plain = SingleQuoted, false
		}
		if n.text == "" && (e.flowLevel > 0 || e.simpleKeyContext) {
			style, plain = SingleQuoted, false
		}
		if noTag && !plainImplicit {
			style, plain = SingleQuoted, false
		}
	}
	if style == SingleQuoted && !a.singleQuotedAllowed {
		style = DoubleQuoted
	}
	if style == Literal || style == Folded {
		if !a.blockAllowed || e.flowLevel > 0 || e.simpleKeyContext {
			style = DoubleQuoted
		}
	}
	if noTag && !quotedImplicit && !plain {
		handle = "!"
	}

	if handle != "" { // yaml_emitter_process_tag
		if !e.whitespace {
			e.put(' ')
		}
		e.writeRaw(handle)
		e.writeRaw(suffix)
		e.whitespace = false
		e.indention = false
	}
	e.increaseIndent(true, false)
	allowBreaks := !e.simpleKeyContext
	switch {
	case plain:
		e.writePlain(n.text, allowBreaks)
	case style == SingleQuoted:
		e.writeSingleQuoted(n.text, allowBreaks)
	case style == DoubleQuoted:
		e.writeDoubleQuoted(n.text, allowBreaks)
	case style == Literal:
		e.writeLiteral(n.text)
	case style == Folded:
		e.writeFolded(n.text)
	}
	e.popIndent()
}

// put writes one character that is not a line break.
func (e *emitter) put(r rune) {
	e.out.WriteRune(r)
	e.column++
}

func (e *emitter) writeRaw(s string) {
	for _, r := range s {
		e.put(r)
	}
}

func (e *emitter) putBreak() {
	e.out.WriteByte('\n')
	e.column = 0
}

// writeBreak copies a line break character: "\n" as the emitter's line
// break, the others (\r, NEL, LS, PS) as they are.
func (e *emitter) writeBreak(r rune) {
	if r == '\n' {
		e.putBreak()
		return
	}
	e.out.WriteRune(r)
	e.column = 0
}

func (e *emitter) writeIndent() {
	indent := max(e.indent, 0)
	if !e.indention || e.column > indent || (e.column == indent && !e.whitespace) {
		e.putBreak()
	}
	for e.column < indent {
		e.put(' ')
	}
	e.whitespace = true
	e.indention = true
}

func (e *emitter) writeAnchor(name string) {
	e.writeRaw(name)
	e.whitespace = false
	e.indention = false
}

func (e *emitter) writeIndicator(ind string, needWhitespace, isWhitespace, isIndention bool) {
	if needWhitespace && !e.whitespace {
		e.put(' ')
	}
	e.writeRaw(ind)
	e.whitespace = isWhitespace
	e.indention = e.indention && isIndention
}
