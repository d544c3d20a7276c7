package syntax

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// dump writes a tree compactly: a node as its type's name with its set
// fields, Name(field=value ...), so that a case shows the shape the parser
// built (precedence, which node holds which part).
func dump(v any) string {
	var sb strings.Builder
	dumpValue(&sb, reflect.ValueOf(v))
	return sb.String()
}

func dumpValue(sb *strings.Builder, v reflect.Value) {
	if s, ok := v.Interface().(fmt.Stringer); ok && v.Kind() == reflect.Pointer && !v.IsNil() {
		sb.WriteString(s.String()) // a *big.Int
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			sb.WriteString("nil")
			return
		}
		dumpValue(sb, v.Elem())
	case reflect.Struct:
		t := v.Type()
		sb.WriteString(strings.TrimSuffix(strings.TrimSuffix(t.Name(), "Expr"), "Stmt"))
		sb.WriteByte('(')
		first := true
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || v.Field(i).IsZero() {
				continue
			}
			if !first {
				sb.WriteByte(' ')
			}
			first = false
			sb.WriteString(f.Name + "=")
			dumpValue(sb, v.Field(i))
		}
		sb.WriteByte(')')
	case reflect.Slice:
		sb.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				sb.WriteByte(' ')
			}
			dumpValue(sb, v.Index(i))
		}
		sb.WriteByte(']')
	case reflect.String:
		fmt.Fprintf(sb, "%q", v.String())
	default:
		fmt.Fprint(sb, v.Interface())
	}
}

// The trees follow Jinja2's parser (jinja2/parser.py): precedence from
// "if" down to "**", filters binding tighter than unary minus, tests
// after filters.
func TestParseExpr(t *testing.T) {
	for _, tt := range []struct{ src, tree string }{
		{"a", `Name(Name="a")`},
		{"none", `Literal()`},
		{"1_000", `Literal(Val=1000)`},
		{"99999999999999999999", `Literal(Val=99999999999999999999)`},
		{"1.5", `Literal(Val=1.5)`},
		{`'a' "b"`, `Literal(Val="ab")`},
		{`'\x41\n'`, `Literal(Val="A\n")`},
		{"1 + 2 * 3", `Binary(Op="+" Left=Literal(Val=1) Right=Binary(Op="*" Left=Literal(Val=2) Right=Literal(Val=3)))`},
		{"2 ** 3 ** 2", `Binary(Op="**" Left=Binary(Op="**" Left=Literal(Val=2) Right=Literal(Val=3)) Right=Literal(Val=2))`},
		{"a ~ b + c", `Binary(Op="+" Left=Binary(Op="~" Left=Name(Name="a") Right=Name(Name="b")) Right=Name(Name="c"))`},
		{"not a in b", `Unary(Op="not" Operand=Binary(Op="in" Left=Name(Name="a") Right=Name(Name="b")))`},
		{"a not in b", `Binary(Op="not in" Left=Name(Name="a") Right=Name(Name="b"))`},
		{"a or b and c", `Binary(Op="or" Left=Name(Name="a") Right=Binary(Op="and" Left=Name(Name="b") Right=Name(Name="c")))`},
		{"-a | abs", `Filter(In=Unary(Op="-" Operand=Name(Name="a")) Name="abs")`},
		{"a if b", `Cond(Cond=Name(Name="b") Then=Name(Name="a"))`},
		{"a if b else c if d else e", `Cond(Cond=Name(Name="b") Then=Name(Name="a") OrElse=Cond(Cond=Name(Name="d") Then=Name(Name="c") OrElse=Name(Name="e")))`},
		{"x | f(1, k=2) is t 3", `Test(In=Filter(In=Name(Name="x") Name="f" Args=[Literal(Val=1)] Kwargs=[Kwarg(Name="k" Val=Literal(Val=2))]) Name="t" Args=[Literal(Val=3)])`},
		{"x is not defined", `Test(In=Name(Name="x") Name="defined" Negate=true)`},
		{"x | ansible.builtin.to_json", `Filter(In=Name(Name="x") Name="to_json" Qualified=true)`},
		{"a.b[0][1:2:3]", `Slice(Obj=Item(Obj=Attr(Obj=Name(Name="a") Attr="b") Key=Literal(Val=0)) Start=Literal(Val=1) End=Literal(Val=2) Step=Literal(Val=3))`},
		{"a[:]", `Slice(Obj=Name(Name="a"))`},
		{"f(1, k=x)", `Call(Fn=Name(Name="f") Args=[Literal(Val=1)] Kwargs=[Kwarg(Name="k" Val=Name(Name="x"))])`},
		{"(1, 2)[0]", `Item(Obj=Tuple(Items=[Literal(Val=1) Literal(Val=2)]) Key=Literal(Val=0))`},
		{"(1,)", `Tuple(Items=[Literal(Val=1)])`},
		{"{'a': [1, none]}", `Dict(Keys=[Literal(Val="a")] Vals=[List(Items=[Literal(Val=1) Literal()])])`},
	} {
		x, err := ParseExpr(tt.src)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.src, err)
			continue
		}
		if got := dump(x); got != tt.tree {
			t.Errorf("ParseExpr(%q)\n got %s\nwant %s", tt.src, got, tt.tree)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tt := range []struct{ src, body string }{
		{"a {{ x }} b", `[Data(Text="a ") Output(Expr=Name(Name="x")) Data(Text=" b")]`},
		{"a  {{- x -}}  b", `[Data(Text="a") Output(Expr=Name(Name="x")) Data(Text="b")]`},
		{"{# c #}{% raw %}{{ x }}{% endraw %}", `[Data(Text="{{ x }}")]`},
		{"{% if a %}1{% elif b %}2{% else %}3{% endif %}", `[If(Conds=[Name(Name="a") Name(Name="b")] Bodies=[[Data(Text="1")] [Data(Text="2")] [Data(Text="3")]])]`},
		{"{% for k, v in d if v recursive %}{{ k }}{% else %}-{% endfor %}", `[For(Targets=["k" "v"] Iter=Name(Name="d") Filter=Name(Name="v") Body=[Output(Expr=Name(Name="k"))] OrElse=[Data(Text="-")] Recurses=true)]`},
		{"{% set a, b = 1, 2 %}", `[Set(Targets=["a" "b"] Val=Tuple(Items=[Literal(Val=1) Literal(Val=2)]))]`},
		{"{% set ns.x = 1 %}", `[Set(Targets=["ns"] Attr="x" Val=Literal(Val=1))]`},
		{"{% set x | upper %}t{% endset %}", `[Set(Targets=["x"] Body=[Data(Text="t")] Block=true Filters=[Filter(Name="upper")])]`},
		{"{% macro m(a, b=1) %}{{ varargs }}{% endmacro %}", `[Macro(Macro=Macro(Name="m" Params=["a" "b"] Defaults=[nil Literal(Val=1)] Body=[Output(Expr=Name(Name="varargs"))] Varargs=true))]`},
		{"{% include 'f' ignore missing without context %}", `[Include(Name=Literal(Val="f") IgnoreMissing=true NoContext=true)]`},
		{"{% from 'f' import a as b, c with context %}", `[From(Name=Literal(Val="f") Names=["a" "c"] Aliases=["b" "c"] WithContext=true)]`},
		{"{% block b scoped %}x{% endblock b %}", `[Block(Name="b" Body=[Data(Text="x")] Scoped=true)]`},
	} {
		tmpl, err := Parse(tt.src, DefaultSyntax())
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if got := dump(tmpl.Body); got != tt.body {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.src, got, tt.body)
		}
	}
}

// TestTemplateFacts checks what Parse records about a source besides its
// body: the one expression it is, its final newlines, its blocks, whether
// its result stays text.
func TestTemplateFacts(t *testing.T) {
	for _, tt := range []struct {
		src      string
		single   bool
		newlines int
		blocks   int
		keepText bool
	}{
		{"{{ x }}", true, 0, 0, false},
		{"{{ x }}\n", false, 1, 0, false},
		{"a\r\n\r\n", false, 1, 0, false},
		{"{{ x | to_json }}", true, 0, 0, true},
		{"{{ x | ansible.builtin.to_json }}", true, 0, 0, false},
		{"{% block a %}{% block b %}{% endblock %}{% endblock %}\n\n", false, 2, 2, false},
	} {
		tmpl, err := Parse(tt.src, DefaultSyntax())
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if got := [4]any{tmpl.Single != nil, tmpl.TrailingNewlines, len(tmpl.Blocks), tmpl.KeepText}; got != [4]any{tt.single, tt.newlines, tt.blocks, tt.keepText} {
			t.Errorf("Parse(%q): single, newlines, blocks, keepText = %v, want %v", tt.src, got, [4]any{tt.single, tt.newlines, tt.blocks, tt.keepText})
		}
	}
}

// The messages are Jinja2's (TemplateSyntaxError), at the line Jinja2
// names.
func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		src  string
		line int
		msg  string
	}{
		{"{{ }}", 1, "Expected an expression, got 'end of print statement'"},
		{"{% if a %}", 1, "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'."},
		{"{% for x in y %}\n{% endif %}", 2, "Encountered unknown tag 'endif'. Jinja was looking for the following tags: 'endfor' or 'else'. The innermost block that needs to be closed is 'for'."},
		{"{% if a %}{% for x in y %}{% endif %}", 1, "Encountered unknown tag 'endif'. You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for 'endfor' or 'else'. The innermost block that needs to be closed is 'for'."},
		{"{% frobnicate %}", 1, "Encountered unknown tag 'frobnicate'."},
		{"a\n{{ x y }}", 2, "expected token 'end of print statement', got 'y'"},
		{"{{ x", 1, "unexpected end of template, expected 'end of print statement'."},
		{"{{ a.(1) }}", 1, "expected name or number"},
		{"{{ 1 is }}", 1, "expected token 'name', got 'end of print statement'"},
		// The balance of brackets, which Jinja2's lexer checks.
		{"{{ f(1 }}", 1, "unexpected '}', expected ')'"},
		{"{{ f(1, }}", 1, "unexpected '}', expected ')'"},
		{"{% if a[1 %}x{% endif %}", 1, "unexpected '}', expected ']'"},
		{"{{ {'a': 1 }}", 1, "unexpected '}'"},
		{"{{ 1 ] }}", 1, "unexpected ']'"},
		{"{{ (1] }}", 1, "unexpected ']', expected ')'"},
		{"{% block a %}{% endblock %}{% block a %}{% endblock %}", 1, "block 'a' defined twice"},
		{"{% from 'f' import _x %}", 1, "names starting with an underline can not be imported"},
		{"{{ " + strings.Repeat("(", 2000) + "1" + strings.Repeat(")", 2000) + " }}", 1, "maximum recursion depth exceeded: nested too deeply"},
	} {
		_, err := Parse(tt.src, DefaultSyntax())
		se, ok := err.(*Error)
		if !ok {
			t.Errorf("Parse(%.40q) = %v (%T), want an *Error", tt.src, err, err)
			continue
		}
		if se.Line != tt.line || se.Msg != tt.msg {
			t.Errorf("Parse(%.40q) = line %d %q, want line %d %q", tt.src, se.Line, se.Msg, tt.line, tt.msg)
		}
	}
}

func TestParseLiteral(t *testing.T) {
	for _, tt := range []struct {
		src  string
		json bool
		tree string // "" when s is not a literal
	}{
		{"[1, 'a']", false, `List(Items=[Literal(Val=1) Literal(Val="a")])`},
		{"{'a': -1}", false, `Dict(Keys=[Literal(Val="a")] Vals=[Unary(Op="-" Operand=Literal(Val=1))])`},
		{"[true, null]", true, `List(Items=[Literal(Val=true) Literal()])`},
		{"[true]", false, ""},
		{"[x]", false, ""},
		{"[1 + 2]", false, ""},
		{"-(1)", false, `Unary(Op="-" Operand=Literal(Val=1))`},
		{"-[1]", false, ""},
	} {
		x, ok := ParseLiteral(tt.src, tt.json)
		got := ""
		if ok {
			got = dump(x)
		}
		if got != tt.tree {
			t.Errorf("ParseLiteral(%q, %v) = %s, want %s", tt.src, tt.json, got, tt.tree)
		}
	}
}
