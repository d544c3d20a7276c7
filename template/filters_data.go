package template

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/gansible/gansible/pyyaml"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/yamlvalue"
)

// Serialisation filters. Output follows Python's json.dumps and PyYAML's
// yaml.dump as Ansible calls them: to_json keeps dict order (json.dumps's
// sort_keys=False), to_nice_json and the YAML filters sort keys.
func init() {
	filters["to_json"] = func(_ *evaluator, in any, a args) (any, error) {
		return jsonFilter(in, a, 0, false)
	}
	filters["to_nice_json"] = func(_ *evaluator, in any, a args) (any, error) {
		return jsonFilter(in, a, 4, true)
	}
	filters["tojson"] = filters["to_json"]
	filters["from_json"] = func(_ *evaluator, in any, _ args) (any, error) {
		text := str(in)
		v, err := value.DecodeJSON([]byte(text))
		if err != nil {
			// json.loads raises a JSONDecodeError in Python's words.
			if msg, ok := value.PyJSONError(text); ok {
				return nil, &PyError{"json.decoder.JSONDecodeError", msg}
			}
			return nil, &PyError{"json.decoder.JSONDecodeError", err.Error()}
		}
		return v, nil
	}
	filters["from_yaml"] = func(_ *evaluator, in any, _ args) (any, error) {
		n, err := yamlvalue.Parse("<string>", []byte(str(in)))
		if err != nil {
			return nil, yamlException("from_yaml", err)
		}
		v, err := yamlvalue.Decode("<string>", n)
		if err != nil {
			return nil, fmt.Errorf("from_yaml: %w", err)
		}
		return normalize(v), nil
	}
	filters["from_yaml_all"] = func(_ *evaluator, in any, _ args) (any, error) {
		docs, err := yamlvalue.DecodeAll("<string>", []byte(str(in)))
		if err != nil {
			return nil, yamlException("from_yaml_all", err)
		}
		for i, d := range docs {
			docs[i] = normalize(d)
		}
		return docs, nil
	}
	filters["to_yaml"] = func(_ *evaluator, in any, a args) (any, error) {
		// to_yaml(a, *args, **kw): positional arguments are ignored.
		return yamlFilter(in, args{fn: a.fn, kw: a.kw}, pyyaml.Options{FlowStyle: pyyaml.Auto}, "allow_unicode")
	}
	filters["to_nice_yaml"] = func(_ *evaluator, in any, a args) (any, error) {
		// to_nice_yaml(a, indent=4, *args, **kw)
		kw := map[string]any{"indent": 4}
		maps.Copy(kw, a.kw)
		if len(a.pos) > 0 {
			kw["indent"] = a.pos[0]
		}
		return yamlFilter(in, args{fn: a.fn, kw: kw}, pyyaml.Options{FlowStyle: pyyaml.Block}, "allow_unicode", "default_flow_style")
	}
}

// yamlException is the exception yaml.load raises for text that is not
// YAML, which Ansible shows by its last line: where the problem is.
// PyYAML's safe loader, unlike Ansible's, words an unhashable key plainly.
func yamlException(filter string, err error) error {
	var ye *yamlvalue.Error
	var se *yamlvalue.SyntaxError
	if !errors.As(err, &ye) || !errors.As(err, &se) {
		return fmt.Errorf("%s: %w", filter, err)
	}
	problem := se.Problem
	if se.Class == "yaml.constructor.ConstructorError" {
		problem = "found unhashable key"
	}
	return &PyError{se.Class, fmt.Sprintf("%s\n  in \"<unicode string>\", line %d, column %d", problem, ye.Pos.Line, ye.Pos.Col)}
}

// yamlFilter is yaml.dump(in, Dumper=AnsibleDumper, allow_unicode=True,
// **kw) with the keywords of a call to_yaml and to_nice_yaml pass on;
// opts holds each filter's own default_flow_style; fixed are the
// keywords the filter itself gives yaml.dump.
func yamlFilter(in any, a args, opts pyyaml.Options, fixed ...string) (any, error) {
	opts.AllowUnicode = true
	// Python's exceptions print as AnsibleFilterError does with its
	// orig_exc: "to_yaml - <error>. <error>".
	fail := func(format string, v ...any) error {
		msg := fmt.Sprintf(format, v...)
		return fmt.Errorf("%s - %s. %s", a.fn, msg, msg)
	}
	for _, k := range slices.Sorted(maps.Keys(a.kw)) {
		v := a.kw[k]
		if slices.Contains(fixed, k) {
			return nil, fail("yaml.dump() got multiple values for keyword argument '%s'", k)
		}
		switch k {
		case "indent", "width":
			if v == nil {
				continue
			}
			n, err := a.integer(-1, k, 0)
			if err != nil {
				return nil, err
			}
			if k == "width" {
				opts.Width = n
				continue
			}
			if err := checkIndent(n); err != nil {
				return nil, err
			}
			opts.Indent = n
		case "default_flow_style":
			switch {
			case v == nil:
				opts.FlowStyle = pyyaml.Auto
			case truthy(v):
				opts.FlowStyle = pyyaml.Flow
			default:
				opts.FlowStyle = pyyaml.Block
			}
		case "sort_keys":
			opts.KeepOrder = !truthy(v)
		case "explicit_start":
			opts.ExplicitStart = truthy(v)
		case "explicit_end":
			opts.ExplicitEnd = truthy(v)
		case "default_style", "canonical", "line_break", "encoding", "version", "tags", "stream", "Dumper":
			return nil, fmt.Errorf("%s - the yaml.dump argument %s is not supported by gansible", a.fn, k)
		default:
			return nil, fail("dump_all() got an unexpected keyword argument '%s'", k)
		}
	}
	if err := strictDeep(in); err != nil {
		return nil, err
	}
	out, err := pyyaml.Dump(plain(in), opts)
	var re *pyyaml.RepresenterError
	switch {
	case errors.As(err, &re):
		return nil, fail("%v", err)
	case err != nil:
		return nil, fmt.Errorf("%s - %w", a.fn, err)
	}
	return out, nil
}

// jsonFilter is to_json and to_nice_json: json.dumps with the indent= and
// sort_keys= of the call (defaults indent and sortKeys), ensure_ascii
// unless ensure_ascii=False.
func jsonFilter(in any, a args, indent int, sortKeys bool) (any, error) {
	indent, err := a.integer(-1, "indent", indent)
	if err != nil {
		return nil, err
	}
	if err := checkIndent(indent); err != nil {
		return nil, err
	}
	if v, ok := a.kw["sort_keys"]; ok {
		sortKeys = truthy(v)
	}
	opts := value.JSONOptions{Indent: indent, SortKeys: sortKeys, ASCII: a.kw["ensure_ascii"] != false}
	if v, ok := a.kw["separators"]; ok && v != nil {
		seps, _ := asSeq(v)
		if len(seps) != 2 {
			return nil, fmt.Errorf("%s: separators must be an (item_separator, key_separator) pair", a.fn)
		}
		opts.Separators = [2]string{str(seps[0]), str(seps[1])}
	}
	return toJSON(in, opts)
}

// JSONDumps is Python's json.dumps(v) with its defaults (", " and ": "
// separators, ensure_ascii, dict order kept), which Ansible uses for a copy
// content given as data as well as for to_json.
func JSONDumps(v any) (string, error) { return toJSON(v, value.JSONOptions{ASCII: true}) }

func toJSON(v any, opts value.JSONOptions) (string, error) {
	opts.Default = func(v any) (any, error) {
		if u, ok := v.(*undefined); ok {
			return nil, strict(u)
		}
		return nil, fmt.Errorf("Object of type %s is not JSON serializable", pyType(v))
	}
	return value.JSON(v, opts)
}
