package template

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/blake2s"

	"github.com/gansible/gansible/value"
)

// Ansible's own filters (ansible/plugins/filter/core.py and mathstuff.py).
func init() {
	for name, fn := range map[string]filterFunc{
		"bool":       filterBool,
		"basename":   stringFilter(pyBasename),
		"dirname":    stringFilter(pyDirname),
		"expanduser": stringFilter(expandUser),
		"realpath": stringFilter(func(s string) string {
			if p, err := filepath.Abs(s); err == nil {
				if r, err := filepath.EvalSymlinks(p); err == nil {
					return r
				}
				return p
			}
			return s
		}),
		"splitext":             filterSplitext,
		"quote":                stringFilter(shlexQuote),
		"b64encode":            filterB64encode,
		"b64decode":            filterB64decode,
		"hash":                 filterHash,
		"checksum":             func(ev *evaluator, in any, _ args) (any, error) { return filterHash(ev, in, args{pos: []any{"sha1"}}) },
		"sha1":                 func(ev *evaluator, in any, _ args) (any, error) { return filterHash(ev, in, args{pos: []any{"sha1"}}) },
		"md5":                  func(ev *evaluator, in any, _ args) (any, error) { return filterHash(ev, in, args{pos: []any{"md5"}}) },
		"password_hash":        filterPasswordHash,
		"mandatory":            filterMandatory,
		"ternary":              filterTernary,
		"type_debug":           func(_ *evaluator, in any, _ args) (any, error) { return pyType(in), nil },
		"union":                setFilter("union"),
		"intersect":            setFilter("intersect"),
		"difference":           setFilter("difference"),
		"symmetric_difference": setFilter("symmetric_difference"),
		"flatten":              filterFlatten,
		"combine":              filterCombine,
		"dict2items":           filterDict2items,
		"items2dict":           filterItems2dict,
		"zip":                  filterZip(false),
		"zip_longest":          filterZip(true),
		"extract":              filterExtract,
		"subelements":          filterSubelements,
		"comment":              filterComment,
		"regex_replace":        filterRegexReplace,
		"regex_search":         filterRegexSearch,
		"regex_findall":        filterRegexFindall,
		"regex_escape":         filterRegexEscape,
		"random":               filterRandom,
		"shuffle":              filterShuffle,
	} {
		filters[name] = fn
	}
}

// filterBool is Ansible's bool: "yes", "on", "1", "true" are true.
func filterBool(_ *evaluator, in any, _ args) (any, error) {
	switch x := in.(type) {
	case nil:
		return nil, nil // Ansible's to_bool hands None back
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "yes", "on", "1", "true":
			return true, nil
		}
		return false, nil
	}
	if f, ok := value.Float(in); ok {
		return f == 1, nil
	}
	return false, nil
}

// shlexQuote is Python's shlex.quote, which Ansible's quote filter uses;
// it differs from shell.Quote only in how it spells an embedded quote.
func shlexQuote(s string) string {
	if s == "" {
		return "''"
	}
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./-_", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// pyBasename is Python's os.path.basename: "a/b/" gives "".
func pyBasename(s string) string {
	return s[strings.LastIndex(s, "/")+1:]
}

// pyDirname is Python's os.path.dirname: "a/b/" gives "a/b".
func pyDirname(s string) string {
	i := strings.LastIndex(s, "/")
	if i < 0 {
		return ""
	}
	head := s[:i+1]
	if strings.Trim(head, "/") != "" {
		head = strings.TrimRight(head, "/")
	}
	return head
}

func expandUser(s string) string {
	if s != "~" && !strings.HasPrefix(s, "~/") {
		return s
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return s
	}
	return home + s[1:]
}

// filterSplitext is os.path.splitext: the extension starts at the last
// dot of the last component, unless only dots come before it.
func filterSplitext(_ *evaluator, in any, _ args) (any, error) {
	s := str(in)
	base := pyBasename(s)
	dot := strings.LastIndex(base, ".")
	if dot <= 0 || strings.Trim(base[:dot], ".") == "" {
		return tuple{s, ""}, nil
	}
	cut := len(s) - len(base) + dot
	return tuple{s[:cut], s[cut:]}, nil
}

// filterB64encode is b64encode(encoding='utf-8'): the base64 of the
// text's bytes in that encoding.
func filterB64encode(_ *evaluator, in any, a args) (any, error) {
	if err := a.onlyKeywords("b64encode", "encoding"); err != nil {
		return nil, err
	}
	encoding, _ := a.str(0, "encoding", "utf-8")
	b, err := encodeText(str(in), encoding)
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// filterB64decode is b64decode(encoding='utf-8'): the base64-decoded
// bytes read as text in that encoding.
func filterB64decode(_ *evaluator, in any, a args) (any, error) {
	if err := a.onlyKeywords("b64decode", "encoding"); err != nil {
		return nil, err
	}
	data, err := pyB64decode(str(in))
	if err != nil {
		return nil, err
	}
	encoding, _ := a.str(0, "encoding", "utf-8")
	return decodeText(data, encoding)
}

// pyB64decode is Python's base64.b64decode without validate, as
// binascii.a2b_base64 reads: bytes outside the alphabet are skipped, a
// complete padding ends the data, and a short last group is
// binascii.Error, a ValueError.
func pyB64decode(s string) ([]byte, error) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var out []byte
	var acc uint32
	quad, pads := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' {
			if quad >= 2 {
				pads++
				if quad+pads >= 4 {
					quad = 0
					break
				}
			}
			continue
		}
		v := strings.IndexByte(alphabet, c)
		if v < 0 {
			continue
		}
		pads = 0
		acc = acc<<6 | uint32(v)
		quad++
		switch quad {
		case 2:
			out = append(out, byte(acc>>4))
		case 3:
			out = append(out, byte(acc>>2))
		case 4:
			out = append(out, byte(acc))
			quad, acc = 0, 0
		}
	}
	switch quad {
	case 0:
		return out, nil
	case 1:
		return nil, &PyError{"binascii.Error", fmt.Sprintf("Invalid base64-encoded string: number of data characters (%d) cannot be 1 more than a multiple of 4", len(out)/3*4+1)}
	}
	return nil, &PyError{"binascii.Error", "Incorrect padding"}
}

func newHash(name string) (hash.Hash, error) {
	switch name {
	case "sha1":
		return sha1.New(), nil
	case "md5":
		return md5.New(), nil
	case "sha224":
		return sha256.New224(), nil
	case "sha256":
		return sha256.New(), nil
	case "sha384":
		return sha512.New384(), nil
	case "sha512":
		return sha512.New(), nil
	case "sha3_224":
		return sha3.New224(), nil
	case "sha3_256":
		return sha3.New256(), nil
	case "sha3_384":
		return sha3.New384(), nil
	case "sha3_512":
		return sha3.New512(), nil
	case "blake2b":
		return blake2b.New512(nil)
	case "blake2s":
		return blake2s.New256(nil)
	case "sha512_224":
		return sha512.New512_224(), nil
	case "sha512_256":
		return sha512.New512_256(), nil
	}
	return nil, fmt.Errorf("unsupported hash type %s", name)
}

func filterHash(_ *evaluator, in any, a args) (any, error) {
	name, _ := a.str(0, "hashtype", "sha1")
	h, err := newHash(name)
	if err != nil {
		return nil, err
	}
	h.Write([]byte(str(in)))
	return hex.EncodeToString(h.Sum(nil)), nil
}

func filterMandatory(_ *evaluator, in any, a args) (any, error) {
	if u, ok := in.(*undefined); ok {
		if msg, ok := a.get(0, "msg"); ok && msg != nil {
			return nil, errors.New(str(msg))
		}
		// Ansible names the undefined variable, attribute or key, and
		// leaves a double space: "Mandatory variable 'foo'  not defined."
		name := ""
		if n, ok := undefinedNameOf(u); ok {
			name = "'" + n + "' "
		}
		// An AnsibleFilterError, not an undefined variable.
		return nil, errors.New("Mandatory variable " + name + " not defined.")
	}
	return in, nil
}

// undefinedNameOf recovers the name Jinja2 keeps as _undefined_name from
// the messages values.go makes: "'foo' is undefined", "... has no
// attribute 'bar'", "... has no element 0".
func undefinedNameOf(u *undefined) (string, bool) {
	if n, ok := strings.CutSuffix(u.msg, " is undefined"); ok && strings.HasPrefix(n, "'") {
		return strings.Trim(n, "'"), true
	}
	if i := strings.LastIndex(u.msg, " has no attribute '"); i >= 0 {
		return strings.TrimSuffix(u.msg[i+len(" has no attribute '"):], "'"), true
	}
	if i := strings.LastIndex(u.msg, " has no element "); i >= 0 {
		return strings.Trim(u.msg[i+len(" has no element "):], "'"), true
	}
	return "", false
}

func filterTernary(_ *evaluator, in any, a args) (any, error) {
	if none, ok := a.get(2, "none_val"); ok && in == nil {
		return none, nil
	}
	if truthy(in) {
		return a.at(0), nil
	}
	return a.at(1), nil
}

// setFilter is one of Ansible's list-as-set operations; results keep the
// order of first appearance.
func setFilter(op string) filterFunc {
	return func(_ *evaluator, in any, a args) (any, error) {
		left, err := iterate(in)
		if err != nil {
			return nil, err
		}
		right, err := iterate(a.at(0))
		if err != nil {
			return nil, err
		}
		has := func(l []any, v any) bool { ok, _ := contains(l, v); return ok }
		out := []any{}
		add := func(v any) {
			if !has(out, v) {
				out = append(out, v)
			}
		}
		switch op {
		case "union":
			for _, v := range append(append([]any(nil), left...), right...) {
				add(v)
			}
		case "intersect":
			for _, v := range left {
				if has(right, v) {
					add(v)
				}
			}
		case "difference":
			for _, v := range left {
				if !has(right, v) {
					add(v)
				}
			}
		case "symmetric_difference":
			for _, v := range left {
				if !has(right, v) {
					add(v)
				}
			}
			for _, v := range right {
				if !has(left, v) {
					add(v)
				}
			}
		}
		return out, nil
	}
}

func filterFlatten(_ *evaluator, in any, a args) (any, error) {
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	if v, ok := a.get(0, "levels"); ok {
		if _, isStr := v.(string); isStr {
			// flatten compares levels >= 1 at the first nested list
			// only.
			if hasSeq(items) {
				return nil, &typeError{"'>=' not supported between instances of 'str' and 'int'"}
			}
			return pyFlatten(items, 0, a.boolean(1, "skip_nulls", true)), nil
		}
	}
	levels, err := a.integer(0, "levels", -1)
	if err != nil {
		return nil, err
	}
	return pyFlatten(items, levels, a.boolean(1, "skip_nulls", true)), nil
}

// pyFlatten is Ansible's flatten: lists and tuples are opened down to
// levels (all when negative), and with skipNulls None and the strings
// "None" and "null" are dropped, as the filter's `in (None, 'None',
// 'null')` does.
func pyFlatten(items []any, levels int, skipNulls bool) []any {
	out := []any{}
	for _, item := range items {
		if skipNulls && isNullish(item) {
			continue
		}
		if l, ok := asSeq(item); ok && levels != 0 {
			out = append(out, pyFlatten(l, levels-1, skipNulls)...)
			continue
		}
		out = append(out, item)
	}
	return out
}

func hasSeq(items []any) bool {
	for _, item := range items {
		if _, ok := asSeq(item); ok {
			return true
		}
	}
	return false
}

func isNullish(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == "None" || x == "null"
	}
	return false
}

// filterCombine is combine(*dicts, recursive=, list_merge=): the terms
// opened one level, None dropped; none gives {}, one is returned as it
// is, and more are merged from the last, as merge_hash does.
func filterCombine(_ *evaluator, in any, a args) (any, error) {
	for k := range a.kw {
		if k != "recursive" && k != "list_merge" {
			return nil, errors.New("'recursive' and 'list_merge' are the only valid keyword arguments")
		}
	}
	recursive := a.boolean(-1, "recursive", false)
	listMerge, _ := a.str(-1, "list_merge", "replace")
	dicts := pyFlatten(append([]any{in}, a.pos...), 1, true)
	switch len(dicts) {
	case 0:
		return newDict(0), nil
	case 1:
		return dicts[0], nil
	}
	switch listMerge {
	case "replace", "keep", "append", "prepend", "append_rp", "prepend_rp":
	default:
		return nil, errors.New("merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', 'prepend', 'append_rp' or 'prepend_rp'")
	}
	out := dicts[len(dicts)-1]
	for i := len(dicts) - 2; i >= 0; i-- {
		x, xok := dicts[i].(*dict)
		y, yok := out.(*dict)
		if !xok || !yok {
			return nil, notMappingsError(dicts[i], out)
		}
		out = merge(x, y, recursive, listMerge)
	}
	return out, nil
}

// notMappingsError is merge_hash's refusal of a value that is not a
// dict, with both values as JSON.
func notMappingsError(a, b any) error {
	shown := func(v any) string {
		if s, err := JSONDumps(v); err == nil {
			return s
		}
		return str(v)
	}
	return fmt.Errorf("failed to combine variables, expected dicts but got a '%s' and a '%s': \n%s\n%s",
		pyType(a), pyType(b), shown(a), shown(b))
}

// merge combines b into a copy of a, as Ansible's merge_hash does: a's
// keys in their order, then b's new ones; when a is empty or equal to b,
// a copy of b.
func merge(a, b *dict, recursive bool, listMerge string) *dict {
	if a.Len() == 0 || value.Equal(a, b) {
		return b.Copy()
	}
	out := a.Copy()
	for k, v := range b.All() {
		old, exists := out.Get(k)
		om, oldIsMap := old.(*dict)
		nm, newIsMap := v.(*dict)
		ol, oldIsList := old.([]any)
		nl, newIsList := v.([]any)
		switch {
		case exists && recursive && oldIsMap && newIsMap:
			out.Set(k, merge(om, nm, recursive, listMerge))
		case exists && oldIsList && newIsList && listMerge != "replace":
			switch listMerge {
			case "keep":
				out.Set(k, ol)
			case "append":
				out.Set(k, append(append([]any(nil), ol...), nl...))
			case "prepend":
				out.Set(k, append(append([]any(nil), nl...), ol...))
			case "append_rp":
				kept := []any{}
				for _, x := range ol {
					if in, _ := contains(nl, x); !in {
						kept = append(kept, x)
					}
				}
				out.Set(k, append(kept, nl...))
			case "prepend_rp":
				kept := append([]any(nil), nl...)
				for _, x := range ol {
					if in, _ := contains(nl, x); !in {
						kept = append(kept, x)
					}
				}
				out.Set(k, kept)
			default:
				out.Set(k, v)
			}
		default:
			out.Set(k, v)
		}
	}
	return out
}

func filterDict2items(_ *evaluator, in any, a args) (any, error) {
	m, ok := in.(*dict)
	if !ok {
		return nil, &typeError{fmt.Sprintf("dict2items requires a dictionary, got <class '%s'> instead.", pyType(in))}
	}
	kn, _ := a.str(0, "key_name", "key")
	vn, _ := a.str(1, "value_name", "value")
	out := make([]any, 0, m.Len())
	for k, v := range m.All() {
		item := newDict(2)
		item.Set(kn, k)
		item.Set(vn, v)
		out = append(out, item)
	}
	return out, nil
}

func filterItems2dict(_ *evaluator, in any, a args) (any, error) {
	if err := strict(in); err != nil {
		return nil, err
	}
	items, ok := asSeq(in)
	if !ok {
		return nil, &typeError{fmt.Sprintf("items2dict requires a list, got <class '%s'> instead.", pyType(in))}
	}
	kn, _ := a.str(0, "key_name", "key")
	vn, _ := a.str(1, "value_name", "value")
	out := newDict(len(items))
	for _, item := range items {
		m, ok := item.(*dict)
		if !ok {
			return nil, &typeError{fmt.Sprintf("items2dict requires a list of dictionaries, got %s instead.", str(in))}
		}
		k, ok := m.Get(kn)
		if !ok {
			return nil, &typeError{fmt.Sprintf("items2dict requires each dictionary in the list to contain the keys '%s' and '%s', got %s instead.", kn, vn, str(in))}
		}
		v, ok := m.Get(vn)
		if !ok {
			return nil, &typeError{fmt.Sprintf("items2dict requires each dictionary in the list to contain the keys '%s' and '%s', got %s instead.", kn, vn, str(in))}
		}
		switch k.(type) {
		case []any, *dict:
			// dict() raises TypeError for an unhashable key, which the
			// filter words as it does a list of non-dictionaries.
			return nil, &typeError{fmt.Sprintf("items2dict requires a list of dictionaries, got %s instead.", str(in))}
		}
		out.Set(str(k), v)
	}
	return out, nil
}

func filterZip(longest bool) filterFunc {
	return func(_ *evaluator, in any, a args) (any, error) {
		var lists [][]any
		for _, l := range append([]any{in}, a.pos...) {
			items, err := iterate(l)
			if err != nil {
				return nil, err
			}
			lists = append(lists, items)
		}
		n := len(lists[0])
		for _, l := range lists {
			if longest {
				n = max(n, len(l))
			} else {
				n = min(n, len(l))
			}
		}
		fill := a.kw["fillvalue"]
		out := make([]any, n)
		for i := range out {
			row := make(tuple, len(lists))
			for j, l := range lists {
				if i < len(l) {
					row[j] = l[i]
				} else {
					row[j] = fill
				}
			}
			out[i] = row
		}
		return out, nil
	}
}

// filterExtract is "key | extract(container, morekeys)".
func filterExtract(ev *evaluator, in any, a args) (any, error) {
	v, err := ev.getItem(a.at(0), in)
	if err != nil {
		return nil, err
	}
	if more, ok := a.get(1, "morekeys"); ok && more != nil {
		keys, isList := asSeq(more)
		if !isList {
			keys = []any{more}
		}
		for _, k := range keys {
			if v, err = ev.getItem(v, k); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

func filterSubelements(ev *evaluator, in any, a args) (any, error) {
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	path := str(a.at(0))
	skipMissing := a.boolean(1, "skip_missing", false)
	out := []any{}
	for _, item := range items {
		sub, err := ev.getAttrPath(item, path)
		if err != nil {
			return nil, err
		}
		if isUndefined(sub) {
			if skipMissing {
				continue
			}
			return nil, fmt.Errorf("could not find '%s' key in iterated item '%s'", path, value.Repr(item))
		}
		subs, ok := sub.([]any)
		if !ok {
			return nil, fmt.Errorf("the key %s should point to a list, got '%s'", path, value.Repr(sub))
		}
		for _, s := range subs {
			out = append(out, tuple{item, s})
		}
	}
	return out, nil
}

// commentStyles are comment's predefined styles.
var commentStyles = map[string]map[string]any{
	"plain":  {"decoration": "# "},
	"erlang": {"decoration": "% "},
	"c":      {"decoration": "// "},
	"cblock": {"beginning": "/*", "decoration": " * ", "end": " */"},
	"xml":    {"beginning": "<!--", "decoration": " - ", "end": "-->"},
}

// filterComment is comment(style='plain', **kw), as core.py composes it:
// beginning, prefix lines, the decorated text, postfix lines, end.
func filterComment(_ *evaluator, in any, a args) (any, error) {
	style, _ := a.str(0, "style", "plain")
	styleParams, ok := commentStyles[style]
	if !ok {
		return nil, fmt.Errorf("%s", value.Quote(style))
	}
	prepostfix := str(styleParams["decoration"])
	if d, ok := a.kw["decoration"]; ok {
		prepostfix = str(d)
	}
	p := map[string]any{
		"newline": "\n", "beginning": "", "prefix": strings.TrimRight(prepostfix, " \t\n"), "prefix_count": 1,
		"decoration": "", "postfix": strings.TrimRight(prepostfix, " \t\n"), "postfix_count": 1, "end": "",
	}
	for k, v := range styleParams {
		p[k] = v
	}
	for k, v := range a.kw {
		p[k] = v
	}
	count := func(k string) (int, error) { return value.PyInt(p[k]) }
	nl, deco := str(p["newline"]), str(p["decoration"])
	var sb strings.Builder
	if b := str(p["beginning"]); truthy(p["beginning"]) {
		sb.WriteString(b + nl)
	}
	if truthy(p["prefix"]) {
		n, err := count("prefix_count")
		if err != nil {
			return nil, err
		}
		line := str(p["prefix"]) + nl
		if str(p["prefix"]) == nl {
			line = nl
		}
		if err := checkString(len(line) * max(n, 0)); err != nil {
			return nil, err
		}
		sb.WriteString(strings.Repeat(line, max(n, 0)))
	}
	text := deco + strings.ReplaceAll(str(in), nl, nl+deco)
	text = strings.ReplaceAll(text, deco+nl, strings.TrimRight(deco, " \t\n")+nl)
	sb.WriteString(text)
	// postfix_count goes to range(), which takes no string.
	n, ok := integer(p["postfix_count"])
	if !ok {
		return nil, fmt.Errorf("'%s' object cannot be interpreted as an integer", pyType(p["postfix_count"]))
	}
	if err := checkString((len(nl) + len(str(p["postfix"]))) * max(n, 0)); err != nil {
		return nil, err
	}
	for range max(n, 0) {
		sb.WriteString(nl + str(p["postfix"]))
	}
	if truthy(p["end"]) {
		sb.WriteString(nl + str(p["end"]))
	}
	return sb.String(), nil
}

// filterRandom is random(start, step, seed): with a seed, Python's
// Random(seed).randrange or .choice, as Ansible's; without one it is
// deterministic by design (the lowest number, the first item), since a
// seedless random would make runs differ.
func filterRandom(ev *evaluator, in any, a args) (any, error) {
	seed, seeded := a.get(2, "seed")
	seeded = seeded && seed != nil
	start, _ := a.get(0, "start")
	step, _ := a.get(1, "step")
	if end, ok := integer(in); ok {
		lo, hi, by := 0, end, 1
		if truthy(start) {
			n, isInt := integer(start)
			if !isInt {
				return nil, fmt.Errorf("random: start must be an integer")
			}
			lo = n
		}
		if truthy(step) {
			n, isInt := integer(step)
			if !isInt || n <= 0 {
				return nil, fmt.Errorf("random: step must be a positive integer")
			}
			by = n
		}
		count := (hi - lo + by - 1) / by
		if count <= 0 {
			return nil, fmt.Errorf("empty range for randrange() (%d, %d, %d)", lo, hi, hi-lo)
		}
		if !seeded {
			return lo, nil
		}
		return lo + by*newPyRandom(seed).below(count), nil
	}
	items, err := iterate(in)
	if err != nil {
		return nil, errors.New("random can only be used on sequences and integers")
	}
	if truthy(start) || truthy(step) {
		return nil, errors.New("start and step can only be used with integer values")
	}
	if len(items) == 0 {
		return &undefined{"No random item, sequence was empty."}, nil
	}
	if !seeded {
		return items[0], nil
	}
	return items[newPyRandom(seed).below(len(items))], nil
}

// filterShuffle is shuffle(seed): with a seed, Python's
// Random(seed).shuffle of the items, as Ansible's; without one the
// order is kept (deterministic by design, as random). What is not
// iterable comes back unchanged, as there.
func filterShuffle(_ *evaluator, in any, a args) (any, error) {
	if err := strict(in); err != nil {
		return nil, err
	}
	items, err := iterate(in)
	if err != nil {
		return in, nil
	}
	out := append([]any{}, items...)
	seed, _ := a.get(0, "seed")
	if !truthy(seed) {
		return out, nil
	}
	r := newPyRandom(seed)
	for i := len(out) - 1; i > 0; i-- {
		j := r.below(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
