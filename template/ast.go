package template

// The syntax tree produced by the parser. Expressions evaluate to values;
// statements write output. Every node remembers the line it came from so
// that errors can point at it.

// expr is an expression node.
type expr interface{ line() int }

// stmt is a statement node of a template body.
type stmt interface{ line() int }

type pos struct{ ln int }

func (p pos) line() int { return p.ln }

type (
	literalExpr struct {
		pos
		val any
	}
	nameExpr struct {
		pos
		name string
	}
	listExpr struct {
		pos
		items []expr
	}
	// tupleExpr is evaluated like a list; Jinja2 tuples and lists only differ
	// in how Python prints them.
	tupleExpr struct {
		pos
		items []expr
	}
	dictExpr struct {
		pos
		keys, vals []expr
	}
	attrExpr struct {
		pos
		obj  expr
		attr string
	}
	itemExpr struct {
		pos
		obj, key expr
	}
	sliceExpr struct {
		pos
		obj              expr
		start, end, step expr // nil when omitted
	}
	callExpr struct {
		pos
		fn     expr
		args   []expr
		kwargs []kwarg
	}
	filterExpr struct {
		pos
		in        expr // nil inside {% filter %} blocks
		name      string
		qualified bool // written with its collection: ansible.builtin.x
		args      []expr
		kwargs    []kwarg
	}
	testExpr struct {
		pos
		in     expr
		name   string
		args   []expr
		kwargs []kwarg
		negate bool
	}
	binaryExpr struct {
		pos
		op          string
		left, right expr
	}
	unaryExpr struct {
		pos
		op      string // "not", "-", "+"
		operand expr
	}
	condExpr struct {
		pos
		cond, then, orElse expr // orElse nil: undefined when false
	}
)

type kwarg struct {
	name string
	val  expr
}

type (
	dataStmt struct {
		pos
		text string
	}
	outputStmt struct {
		pos
		e expr
	}
	ifStmt struct {
		pos
		conds  []expr
		bodies [][]stmt // len(bodies) == len(conds) or len(conds)+1 with an else
	}
	forStmt struct {
		pos
		targets  []string
		iter     expr
		filter   expr // the optional "if" clause
		body     []stmt
		orElse   []stmt
		recurses bool
	}
	setStmt struct {
		pos
		targets []string
		attr    string // {% set ns.attr = ... %}
		val     expr
		body    []stmt        // block set: {% set x %}...{% endset %}
		block   bool          // a block set, whose body may be empty
		filters []*filterExpr // {% set x | upper %}: applied to the block's text
	}
	macroStmt struct {
		pos
		m *macro
	}
	callBlockStmt struct {
		pos
		call   *callExpr
		caller *macro
	}
	printStmt struct {
		pos
		outputs []stmt
	}
	autoescapeStmt struct {
		pos
		on   expr
		body []stmt
	}
	withStmt struct {
		pos
		names []string
		vals  []expr
		body  []stmt
	}
	filterBlockStmt struct {
		pos
		filters []*filterExpr
		body    []stmt
	}
	includeStmt struct {
		pos
		name          expr
		ignoreMissing bool
		noContext     bool
	}
)

// macro is a {% macro %} definition, callable from expressions.
type macro struct {
	name     string
	params   []string
	defaults []expr // aligned with params; nil when required
	body     []stmt
	// varargs and kwargs are set when the body uses them: Jinja2's macros
	// then take extra positional and keyword arguments.
	varargs, kwargs bool
}

// parsedTemplate is the cached result of parsing one source text.
type parsedTemplate struct {
	body []stmt
	// single is the expression when the whole source is exactly one
	// {{ expr }}; such strings template to a native value.
	single expr
	// trailingNewlines counts the "\n" ending the source, as Ansible's
	// _count_newlines_from_end does (a "\r" stops the count).
	trailingNewlines int
	// blocks are the template's {% block %}s, nested ones included.
	blocks map[string]*blockStmt
	// syn is the syntax the source was lexed with; templates it includes
	// are lexed with the same.
	syn Syntax
	// keepText is set when the source is one expression whose last step
	// is a filter that makes text (to_json, string...): Ansible then never
	// turns the result into data.
	keepText bool
}

// The tags of template inheritance and of templates loaded from templates.
type (
	blockStmt struct {
		pos
		name   string
		body   []stmt
		scoped bool
		// required blocks must be overridden by a child template.
		required bool
	}
	extendsStmt struct {
		pos
		name expr
	}
	importStmt struct {
		pos
		name        expr
		alias       string
		withContext bool
	}
	fromStmt struct {
		pos
		name        expr
		names       []string
		aliases     []string
		withContext bool
	}
)
