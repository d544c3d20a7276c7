package template

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gansible/gansible/template/syntax"
	"github.com/gansible/gansible/vault"
)

// Template files loaded from templates: {% include %}, {% import %},
// {% from %} and {% extends %} with {% block %}, following Jinja2's
// FileSystemLoader and its compiled code's semantics.

// tmplCtx is the rendering of one template: its blocks, most derived
// first, and the parent an executed {% extends %} chose.
type tmplCtx struct {
	name   string
	syn    syntax.Syntax
	blocks map[string][]*syntax.BlockStmt
	root   *frame
	parent *loadedTemplate
}

// loadedTemplate is a template file found by the loader.
type loadedTemplate struct {
	name, path, text string
	t                *syntax.Template
}

// blockRef is the frame annotation of a rendering block, for super().
type blockRef struct {
	tc    *tmplCtx
	name  string
	index int
}

// templateModule is the value of {% import %}: a template's exported
// top-level names and its output.
type templateModule struct {
	name  string
	attrs map[string]any
	out   string
}

// selfRef is the "self" variable: self.name() renders block name.
type selfRef struct{ tc *tmplCtx }

// tmplCtxOf returns the template a frame belongs to.
func (f *frame) tmplCtx() *tmplCtx {
	for ; f != nil; f = f.parent {
		if f.tc != nil {
			return f.tc
		}
	}
	return nil
}

// outputCut reports whether output at f is dropped: in Jinja2 nothing a
// template's top level writes after its {% extends %} ran is output, only
// the parent's rendering is. Macro and block bodies are not top level.
func (f *frame) outputCut() bool {
	for ; f != nil; f = f.parent {
		if f.boundary {
			return false
		}
		if f.tc != nil {
			return f.tc.parent != nil
		}
	}
	return false
}

func (f *frame) block() *blockRef {
	for ; f != nil; f = f.parent {
		if f.blk != nil {
			return f.blk
		}
	}
	return nil
}

// runTemplate renders a template's body in root, then, while it extended
// another, that parent's body with the blocks the child overrode.
func (ev *evaluator) runTemplate(out *strings.Builder, lt *loadedTemplate, root *frame) error {
	tc := &tmplCtx{name: lt.name, syn: lt.t.Syntax, blocks: map[string][]*syntax.BlockStmt{}, root: root}
	root.tc = tc
	for n, b := range lt.t.Blocks {
		tc.blocks[n] = []*syntax.BlockStmt{b}
	}
	cur := lt
	for {
		if err := ev.exec(out, cur.t.Body, root); err != nil {
			if cur != lt {
				return fileError(cur, err)
			}
			return err
		}
		if tc.parent == nil {
			return nil
		}
		cur, tc.parent = tc.parent, nil
		for n, b := range cur.t.Blocks {
			tc.blocks[n] = append(tc.blocks[n], b)
		}
		if err := ev.enter(); err != nil {
			return err
		}
		defer ev.leave()
	}
}

// fileError names the included template an error happened in.
func fileError(lt *loadedTemplate, err error) error {
	return templateError(lt.path, lt.text, err)
}

// loadTemplate finds and parses a template by name, as the environment's
// loader does: each search path directory in turn, the name split at "/"
// and refused when it climbs out with "..".
func (ev *evaluator) loadTemplate(name string, syn syntax.Syntax) (*loadedTemplate, error) {
	path, err := ev.findTemplate(name)
	if err != nil {
		return nil, err
	}
	data, err := vault.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := ev.eng.parse(string(data), syn)
	if err != nil {
		return nil, templateError(path, string(data), err)
	}
	return &loadedTemplate{name: name, path: path, text: string(data), t: t}, nil
}

// notFoundError is Jinja2's TemplateNotFound.
type notFoundError struct{ names []string }

func (e *notFoundError) Error() string {
	if len(e.names) == 1 {
		return "TemplateNotFound: " + e.names[0]
	}
	return "TemplatesNotFound: none of the templates given were found: " + strings.Join(e.names, ", ")
}

func (ev *evaluator) findTemplate(name string) (string, error) {
	search := ev.search
	if search == nil {
		// A playbook string: Ansible's environment loads from the
		// playbook's directory only, in a role too.
		search = []string{"."}
		if dir, ok, _ := ev.lookupVar("playbook_dir"); ok {
			if s, isStr := dir.(string); isStr && s != "" {
				search = []string{s}
			}
		}
	}
	var pieces []string
	for _, piece := range strings.Split(name, "/") {
		if piece == ".." {
			return "", &notFoundError{[]string{name}}
		}
		if piece != "" && piece != "." {
			pieces = append(pieces, piece)
		}
	}
	for _, dir := range search {
		p := filepath.Join(append([]string{dir}, pieces...)...)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", &notFoundError{[]string{name}}
}

// loadFirst loads the first of several names that exists, as
// select_template does for a list given to include or extends.
func (ev *evaluator) loadFirst(v any, syn syntax.Syntax) (*loadedTemplate, error) {
	names, ok := asSeq(v)
	if !ok {
		if err := strict(v); err != nil {
			return nil, err
		}
		return ev.loadTemplate(str(v), syn)
	}
	var tried []string
	for _, n := range names {
		lt, err := ev.loadTemplate(str(n), syn)
		var nf *notFoundError
		if errors.As(err, &nf) {
			tried = append(tried, str(n))
			continue
		}
		return lt, err
	}
	return nil, &notFoundError{tried}
}

// contextFrame is the root frame of a template rendered from f: a child
// of f with context, else one that sees no variables, only the globals.
func contextFrame(f *frame, withContext bool) *frame {
	if withContext {
		return f.child()
	}
	return &frame{noVars: true}
}

func (ev *evaluator) execInclude(out *strings.Builder, n *syntax.IncludeStmt, f *frame) error {
	v, err := ev.evalStrict(n.Name, f)
	if err != nil {
		return err
	}
	lt, err := ev.loadFirst(v, f.syntax())
	var nf *notFoundError
	if errors.As(err, &nf) && n.IgnoreMissing {
		return nil
	}
	if err != nil {
		return err
	}
	if err := ev.enter(); err != nil {
		return err
	}
	defer ev.leave()
	if err := ev.runTemplate(out, lt, contextFrame(f, !n.NoContext)); err != nil {
		return fileError(lt, err)
	}
	return nil
}

// module renders a template for import and collects what it exports.
func (ev *evaluator) module(name syntax.Expr, withContext bool, f *frame) (*templateModule, error) {
	v, err := ev.evalStrict(name, f)
	if err != nil {
		return nil, err
	}
	lt, err := ev.loadFirst(v, f.syntax())
	if err != nil {
		return nil, err
	}
	if err := ev.enter(); err != nil {
		return nil, err
	}
	defer ev.leave()
	root := contextFrame(f, withContext)
	var sb strings.Builder
	if err := ev.runTemplate(&sb, lt, root); err != nil {
		return nil, fileError(lt, err)
	}
	m := &templateModule{name: lt.name, attrs: map[string]any{}, out: sb.String()}
	for k, x := range root.vars {
		if !strings.HasPrefix(k, "_") {
			m.attrs[k] = x
		}
	}
	return m, nil
}

func (ev *evaluator) execImport(n *syntax.ImportStmt, f *frame) error {
	m, err := ev.module(n.Name, n.WithContext, f)
	if err != nil {
		return err
	}
	f.set(n.Alias, m)
	return nil
}

func (ev *evaluator) execFrom(n *syntax.FromStmt, f *frame) error {
	m, err := ev.module(n.Name, n.WithContext, f)
	if err != nil {
		return err
	}
	for i, name := range n.Names {
		v, ok := m.attrs[name]
		if !ok {
			v = &undefined{fmt.Sprintf("the template '%s' (imported on line %d) does not export the requested name '%s'", m.name, n.Line(), name)}
		}
		f.set(n.Aliases[i], v)
	}
	return nil
}

func (ev *evaluator) execExtends(n *syntax.ExtendsStmt, f *frame) error {
	tc := f.tmplCtx()
	if tc == nil {
		return fmt.Errorf("extends outside of a template")
	}
	if tc.parent != nil {
		return fmt.Errorf("extended multiple times")
	}
	v, err := ev.evalStrict(n.Name, f)
	if err != nil {
		return err
	}
	lt, err := ev.loadFirst(v, f.syntax())
	if err != nil {
		return err
	}
	tc.parent = lt
	return nil
}

// execBlock renders the most derived definition of a block.
func (ev *evaluator) execBlock(out *strings.Builder, n *syntax.BlockStmt, f *frame) error {
	tc := f.tmplCtx()
	if tc == nil || len(tc.blocks[n.Name]) == 0 {
		return ev.exec(out, n.Body, f.child())
	}
	s, err := ev.renderBlock(tc, n.Name, 0, f)
	if err != nil {
		return err
	}
	out.WriteString(s)
	return nil
}

func (ev *evaluator) renderBlock(tc *tmplCtx, name string, index int, f *frame) (string, error) {
	b := tc.blocks[name][index]
	if b.Required {
		return "", fmt.Errorf("Required block '%s' not found.", name)
	}
	var bf *frame
	if b.Scoped && f != nil {
		bf = f.child()
	} else {
		bf = tc.root.child()
	}
	bf.boundary = true
	bf.blk = &blockRef{tc, name, index}
	if err := ev.enter(); err != nil {
		return "", err
	}
	defer ev.leave()
	var sb strings.Builder
	if err := ev.exec(&sb, b.Body, bf); err != nil {
		return "", err
	}
	return sb.String(), nil
}

// superFunction is super() inside a block: the next definition up.
func (ev *evaluator) superFunction(br *blockRef) *function {
	return &function{"super", func(_ *evaluator, _ []any, _ map[string]any) (any, error) {
		if br.index+1 >= len(br.tc.blocks[br.name]) {
			return nil, fmt.Errorf("there is no parent block called '%s'.", br.name)
		}
		return ev.renderBlock(br.tc, br.name, br.index+1, nil)
	}}
}

func (ev *evaluator) selfAttr(s *selfRef, name string) any {
	if len(s.tc.blocks[name]) == 0 {
		return undefinedAttr(s, name)
	}
	return &function{name, func(_ *evaluator, _ []any, _ map[string]any) (any, error) {
		return ev.renderBlock(s.tc, name, 0, nil)
	}}
}
