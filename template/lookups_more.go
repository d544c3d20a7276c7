package template

import (
	"crypto/rand"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"sort"
	"strings"

	"github.com/gansible/gansible/pyre"
	"github.com/gansible/gansible/value"
)

// More of ansible-core's lookup plugins (ansible/plugins/lookup/).
func init() {
	for name, fn := range map[string]lookupFunc{
		"nested":              lookupNested,
		"together":            lookupTogether,
		"subelements":         lookupSubelements,
		"random_choice":       lookupRandomChoice,
		"varnames":            lookupVarnames,
		"inventory_hostnames": lookupInventoryHostnames,
		"csvfile":             lookupCSVFile,
		"ini":                 lookupINI,
		"config":              lookupConfig,
		"url": func(*evaluator, []any, map[string]any) ([]any, error) {
			return nil, errors.New("the url lookup is not supported by gansible")
		},
	} {
		lookups[name] = fn
	}
}

// listifyTerm is listify_lookup_plugin_terms for a term already
// templated: a string or a non-list becomes a list of itself.
func listifyTerm(t any) []any {
	if l, ok := asSeq(t); ok {
		return l
	}
	if m, ok := t.(*dict); ok {
		items, _ := iterate(m)
		return items
	}
	return []any{t}
}

// flattenRow is LookupBase._flatten: lists in a row are spliced in.
func flattenRow(row []any) []any {
	var out []any
	for _, x := range row {
		if l, ok := asSeq(x); ok {
			out = append(out, l...)
		} else {
			out = append(out, x)
		}
	}
	if out == nil {
		out = []any{}
	}
	return out
}

func lookupNested(_ *evaluator, terms []any, _ map[string]any) ([]any, error) {
	if len(terms) == 0 {
		return nil, errors.New("with_nested requires at least one element in the nested list")
	}
	result := listifyTerm(terms[0])
	for _, t := range terms[1:] {
		var next []any
		for _, x := range result {
			for _, y := range listifyTerm(t) {
				if len(next) >= maxListItems {
					return nil, checkItems(len(next) + 1)
				}
				next = append(next, flattenRow([]any{x, y}))
			}
		}
		result = next
	}
	out := make([]any, len(result))
	for i, x := range result {
		out[i] = flattenRow([]any{x})
	}
	return out, nil
}

func lookupTogether(_ *evaluator, terms []any, _ map[string]any) ([]any, error) {
	if len(terms) == 0 {
		return nil, errors.New("with_together requires at least one element in each list")
	}
	lists := make([][]any, len(terms))
	longest := 0
	for i, t := range terms {
		lists[i] = listifyTerm(t)
		longest = max(longest, len(lists[i]))
	}
	out := make([]any, longest)
	for i := range out {
		row := make([]any, len(lists))
		for j, l := range lists {
			if i < len(l) {
				row[j] = l[i]
			}
		}
		out[i] = flattenRow(row)
	}
	return out, nil
}

// lookupSubelements is the subelements lookup: (item, subitem) pairs for
// every item of a list of dicts and every element of its list at a dotted
// key. As in Ansible, the item of each pair lacks that key.
func lookupSubelements(_ *evaluator, terms []any, _ map[string]any) ([]any, error) {
	termsErr := func(msg string) error {
		return errors.New("subelements lookup expects a list of two or three items, " + msg)
	}
	if len(terms) < 2 || len(terms) > 3 {
		return nil, termsErr("")
	}
	key, isStr := terms[1].(string)
	var elements []any
	switch x := terms[0].(type) {
	case *dict:
		if !isStr {
			return nil, termsErr("first a dict or a list, second a string pointing to the subkey")
		}
		if s, ok := x.Get("skipped"); ok && s != false {
			return []any{}, nil
		}
		for _, e := range x.All() {
			elements = append(elements, e)
		}
	case []any:
		if !isStr {
			return nil, termsErr("first a dict or a list, second a string pointing to the subkey")
		}
		elements = x
	default:
		if l, ok := asSeq(listifyTerm(x)[0]); ok && isStr {
			elements = l
		} else {
			return nil, termsErr("first a dict or a list, second a string pointing to the subkey")
		}
	}
	skipMissing := false
	if len(terms) == 3 {
		flags, ok := terms[2].(*dict)
		if !ok {
			return nil, termsErr("the optional third item must be a dict with flags skip_missing")
		}
		if v, ok := flags.Get("skip_missing"); ok {
			b, _ := filterBool(nil, v, args{})
			skipMissing = b == true
		}
	}
	path := strings.Split(key, ".")
	out := []any{}
	for _, e := range elements {
		item, ok := e.(*dict)
		if !ok {
			return nil, fmt.Errorf("subelements lookup expects a dictionary, got '%s'", str(e))
		}
		if s, ok := item.Get("skipped"); ok && s != false {
			continue
		}
		// The copy that loses the final key, along the path to it.
		top := item.Copy()
		holder := top
		var sublist []any
		for i, k := range path {
			v, ok := holder.Get(k)
			if !ok {
				if skipMissing {
					continue
				}
				return nil, fmt.Errorf("could not find '%s' key in iterated item '%s'", k, str(holder))
			}
			if i < len(path)-1 {
				m, isMap := v.(*dict)
				if !isMap {
					if skipMissing {
						continue
					}
					return nil, fmt.Errorf("the key %s should point to a dictionary, got '%s'", k, str(v))
				}
				m = m.Copy()
				holder.Set(k, m)
				holder = m
				continue
			}
			l, isList := v.([]any)
			if !isList {
				return nil, fmt.Errorf("the key %s should point to a list, got '%s'", k, str(v))
			}
			sublist = l
			holder.Delete(k)
		}
		for _, sub := range sublist {
			out = append(out, tuple{top, sub})
		}
	}
	return out, nil
}

func lookupRandomChoice(_ *evaluator, terms []any, _ map[string]any) ([]any, error) {
	if len(terms) == 0 {
		return terms, nil
	}
	n, err := rand.Int(rand.Reader, big.NewInt(int64(len(terms))))
	if err != nil {
		return nil, fmt.Errorf("Unable to choose random term: %v", err)
	}
	return []any{terms[n.Int64()]}, nil
}

// lookupVarnames is the varnames lookup: the names of the variables that
// match each regular expression (re.search).
func lookupVarnames(ev *evaluator, terms []any, _ map[string]any) ([]any, error) {
	lister, ok := ev.vars.(VarNames)
	if !ok {
		return nil, errors.New("No variables available to search")
	}
	names := lister.Names()
	sort.Strings(names)
	out := []any{}
	for _, t := range terms {
		pattern, ok := t.(string)
		if !ok {
			return nil, fmt.Errorf("Invalid setting identifier, \"%s\" is not a string, it is a <class '%s'>", str(t), pyType(t))
		}
		re, err := pyre.Compile(pattern, pyre.Flags{})
		if err != nil {
			return nil, fmt.Errorf("Unable to use \"%s\" as a search parameter: %v", pattern, err)
		}
		for _, name := range names {
			if m, err := re.Search(name); err == nil && m != nil {
				out = append(out, name)
			}
		}
	}
	return out, nil
}

// lookupInventoryHostnames is the inventory_hostnames lookup: the hosts a
// pattern selects. A pattern that matches nothing gives no hosts.
func lookupInventoryHostnames(ev *evaluator, terms []any, _ map[string]any) ([]any, error) {
	if ev.eng.opts.MatchHosts == nil {
		return nil, errors.New("the inventory_hostnames lookup needs an inventory")
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = str(t)
	}
	hosts, err := ev.eng.opts.MatchHosts(strings.Join(parts, ","))
	if err != nil {
		return []any{}, nil
	}
	out := make([]any, len(hosts))
	for i, h := range hosts {
		out[i] = h
	}
	return out, nil
}

// lookupConfig is the config lookup over the settings the engine was
// given (Options.Setting).
func lookupConfig(ev *evaluator, terms []any, kw map[string]any) ([]any, error) {
	if v, ok := kw["on_missing"]; ok {
		s, isStr := v.(string)
		if !isStr || s != "error" && s != "warn" && s != "skip" {
			return nil, optionsErrorf("\"on_missing\" must be a string and one of \"error\", \"warn\" or \"skip\", not %s", str(v))
		}
	}
	if _, ok := kw["plugin_type"]; ok {
		return nil, errors.New("the config lookup of plugin settings is not supported by gansible")
	}
	if _, ok := kw["plugin_name"]; ok {
		return nil, errors.New("the config lookup of plugin settings is not supported by gansible")
	}
	out := []any{}
	for _, t := range terms {
		name, ok := t.(string)
		if !ok {
			return nil, optionsErrorf("Invalid setting identifier, \"%s\" is not a string, its a <class '%s'>", str(t), pyType(t))
		}
		var v any
		found := false
		if ev.eng.opts.Setting != nil {
			v, found = ev.eng.opts.Setting(name)
		}
		if !found {
			// Not skipped even with on_missing: it may be a setting
			// Ansible has and gansible does not read.
			return nil, lookupErrorf("Unable to find setting %s: gansible's config lookup knows only the settings gansible reads", name)
		}
		out = append(out, v)
	}
	return out, nil
}

// kvTerm splits an old-style "key opt=value ..." lookup term into its
// free words (the key) and its options.
func kvTerm(term string) (string, map[string]string) {
	opts := map[string]string{}
	var words []string
	for _, w := range strings.Fields(term) {
		if k, v, ok := strings.Cut(w, "="); ok && k != "" {
			opts[k] = strings.Trim(v, `"'`)
			continue
		}
		words = append(words, w)
	}
	return strings.Join(words, " "), opts
}

// lookupCSVFile is the csvfile lookup: column col of the first row of a
// tab (or delimiter) separated file whose first column is the key.
func lookupCSVFile(ev *evaluator, terms []any, kw map[string]any) ([]any, error) {
	out := []any{}
	for _, t := range terms {
		key, inline := kvTerm(str(t))
		if key == "" {
			return nil, errors.New("Search key is required but was not found")
		}
		opts := map[string]any{"file": "ansible.csv", "delimiter": "TAB", "col": "1", "encoding": "utf-8", "default": nil}
		for k, v := range kw {
			if _, known := opts[k]; !known {
				return nil, fmt.Errorf("Unrecognized options to lookup: %s", k)
			}
			opts[k] = v
		}
		for k, v := range inline {
			if _, known := opts[k]; !known {
				return nil, fmt.Errorf("%s is not a valid option", k)
			}
			opts[k] = v
		}
		delim := str(opts["delimiter"])
		if delim == "TAB" || delim == `\t` {
			delim = "\t"
		}
		if len([]rune(delim)) != 1 {
			return nil, errors.New("csvfile: \"delimiter\" must be a 1-character string")
		}
		col, err := value.PyInt(opts["col"])
		if err != nil {
			return nil, fmt.Errorf("csvfile: %w", err)
		}
		path, err := ev.findFile("files", str(opts["file"]))
		if err != nil {
			return nil, err
		}
		v, err := readCSV(path, key, []rune(delim)[0], col, opts["default"])
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

func readCSV(path, key string, delim rune, col int, def any) (any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("csvfile: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	for {
		row, err := r.Read()
		if err == io.EOF {
			return def, nil
		}
		if err != nil {
			return nil, fmt.Errorf("csvfile: %v", err)
		}
		if len(row) > 0 && row[0] == key {
			i := col
			if i < 0 {
				i += len(row)
			}
			if i < 0 || i >= len(row) {
				return nil, errors.New("csvfile: list index out of range")
			}
			return row[i], nil
		}
	}
}
