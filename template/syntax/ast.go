package syntax

// The syntax tree produced by the parser. Expressions evaluate to values;
// statements write output. Every node remembers the line it came from so
// that errors can point at it.

// Expr is an expression node.
type Expr interface{ Line() int }

// Stmt is a statement node of a template body.
type Stmt interface{ Line() int }

type pos struct{ ln int }

func (p pos) Line() int { return p.ln }

type (
	LiteralExpr struct {
		pos
		Val any
	}
	NameExpr struct {
		pos
		Name string
	}
	ListExpr struct {
		pos
		Items []Expr
	}
	// TupleExpr is evaluated like a list; Jinja2 tuples and lists only differ
	// in how Python prints them.
	TupleExpr struct {
		pos
		Items []Expr
	}
	DictExpr struct {
		pos
		Keys, Vals []Expr
	}
	AttrExpr struct {
		pos
		Obj  Expr
		Attr string
	}
	ItemExpr struct {
		pos
		Obj, Key Expr
	}
	SliceExpr struct {
		pos
		Obj              Expr
		Start, End, Step Expr // nil when omitted
	}
	CallExpr struct {
		pos
		Fn     Expr
		Args   []Expr
		Kwargs []Kwarg
		// DynArgs and DynKwargs are the "*seq" and "**map" arguments,
		// nil when not written.
		DynArgs, DynKwargs Expr
	}
	FilterExpr struct {
		pos
		In        Expr // nil inside {% filter %} blocks
		Name      string
		Qualified bool // written with its collection: ansible.builtin.x
		Args      []Expr
		Kwargs    []Kwarg
	}
	TestExpr struct {
		pos
		In     Expr
		Name   string
		Args   []Expr
		Kwargs []Kwarg
		Negate bool
	}
	BinaryExpr struct {
		pos
		Op          string
		Left, Right Expr
	}
	UnaryExpr struct {
		pos
		Op      string // "not", "-", "+"
		Operand Expr
	}
	CondExpr struct {
		pos
		Cond, Then, OrElse Expr // OrElse nil: undefined when false
	}
)

type Kwarg struct {
	Name string
	Val  Expr
}

type (
	DataStmt struct {
		pos
		Text string
	}
	OutputStmt struct {
		pos
		Expr Expr
	}
	IfStmt struct {
		pos
		Conds  []Expr
		Bodies [][]Stmt // len(Bodies) == len(Conds) or len(Conds)+1 with an else
	}
	ForStmt struct {
		pos
		Targets  []string
		Iter     Expr
		Filter   Expr // the optional "if" clause
		Body     []Stmt
		OrElse   []Stmt
		Recurses bool
	}
	SetStmt struct {
		pos
		Targets []string
		Attr    string // {% set ns.attr = ... %}
		Val     Expr
		Body    []Stmt        // block set: {% set x %}...{% endset %}
		Block   bool          // a block set, whose body may be empty
		Filters []*FilterExpr // {% set x | upper %}: applied to the block's text
	}
	MacroStmt struct {
		pos
		Macro *Macro
	}
	CallBlockStmt struct {
		pos
		Call   *CallExpr
		Caller *Macro
	}
	PrintStmt struct {
		pos
		Outputs []Stmt
	}
	AutoescapeStmt struct {
		pos
		On   Expr
		Body []Stmt
	}
	WithStmt struct {
		pos
		Names []string
		Vals  []Expr
		Body  []Stmt
	}
	FilterBlockStmt struct {
		pos
		Filters []*FilterExpr
		Body    []Stmt
	}
	IncludeStmt struct {
		pos
		Name          Expr
		IgnoreMissing bool
		NoContext     bool
	}
)

// Macro is a {% macro %} definition, callable from expressions.
type Macro struct {
	Name     string
	Params   []string
	Defaults []Expr // aligned with Params; nil when required
	Body     []Stmt
	// Varargs and Kwargs are set when the body uses them: Jinja2's macros
	// then take extra positional and keyword arguments.
	Varargs, Kwargs bool
}

// Template is the result of parsing one source text, which package
// template caches.
type Template struct {
	Body []Stmt
	// Single is the expression when the whole source is exactly one
	// {{ expr }}; such strings template to a native value.
	Single Expr
	// TrailingNewlines counts the "\n" ending the source, as Ansible's
	// _count_newlines_from_end does (a "\r" stops the count).
	TrailingNewlines int
	// Blocks are the template's {% block %}s, nested ones included.
	Blocks map[string]*BlockStmt
	// Syntax is the syntax the source was lexed with; templates it includes
	// are lexed with the same.
	Syntax Syntax
	// KeepText is set when the source is one expression whose last step
	// is a filter that makes text (to_json, string...): Ansible then never
	// turns the result into data.
	KeepText bool
}

// The tags of template inheritance and of templates loaded from templates.
type (
	BlockStmt struct {
		pos
		Name   string
		Body   []Stmt
		Scoped bool
		// Required blocks must be overridden by a child template.
		Required bool
	}
	ExtendsStmt struct {
		pos
		Name Expr
	}
	ImportStmt struct {
		pos
		Name        Expr
		Alias       string
		WithContext bool
	}
	FromStmt struct {
		pos
		Name        Expr
		Names       []string
		Aliases     []string
		WithContext bool
	}
)
