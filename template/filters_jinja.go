package template

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/gansible/gansible/value"
)

// Jinja2's built-in filters.
func init() {
	for name, fn := range map[string]filterFunc{
		"default": filterDefault, "d": filterDefault,
		"join": filterJoin, "length": filterLength, "count": filterLength,
		"upper":      stringFilter(strings.ToUpper),
		"lower":      stringFilter(strings.ToLower),
		"capitalize": stringFilter(capitalize),
		"title":      stringFilter(title),
		"trim":       filterTrim,
		"replace":    filterReplace,
		"int":        filterInt, "float": filterFloat,
		"string": func(_ *evaluator, in any, _ args) (any, error) { return str(in), nil },
		"list":   filterList, "first": filterFirst, "last": filterLast,
		"min": minMax(-1), "max": minMax(1), "sum": filterSum,
		"sort": filterSort, "reverse": filterReverse, "unique": filterUnique,
		"map": filterMap, "select": selectFilter(true), "reject": selectFilter(false),
		"selectattr": selectAttrFilter(true), "rejectattr": selectAttrFilter(false),
		"abs": filterAbs, "round": filterRound,
		"items": filterItems, "dictsort": filterDictsort,
		"attribute": filterAttribute,
		"batch":     filterBatch, "indent": filterIndent, "center": filterCenter,
		"format": filterFormat, "wordcount": filterWordcount,
		"truncate": filterTruncate, "groupby": filterGroupby,
		"safe": identity, "e": filterEscape, "escape": filterEscape, "forceescape": filterEscape,

		"pprint": func(_ *evaluator, in any, _ args) (any, error) { return value.Repr(in), nil },
	} {
		filters[name] = fn
	}
}

func identity(_ *evaluator, in any, _ args) (any, error) { return in, nil }

func stringFilter(fn func(string) string) filterFunc {
	return func(_ *evaluator, in any, _ args) (any, error) { return fn(str(in)), nil }
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(strings.ToLower(s))
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func title(s string) string {
	r := []rune(s)
	start := true
	for i, c := range r {
		if unicode.IsLetter(c) || unicode.IsDigit(c) || c == '\'' {
			if start {
				r[i] = unicode.ToUpper(c)
			} else {
				r[i] = unicode.ToLower(c)
			}
			start = false
		} else {
			start = true
		}
	}
	return string(r)
}

func filterDefault(_ *evaluator, in any, a args) (any, error) {
	def, _ := a.get(0, "default_value")
	if def == nil {
		def = ""
	}
	if _, undef := in.(*undefined); undef || (a.boolean(1, "boolean", false) && !truthy(in)) {
		return def, nil
	}
	return in, nil
}

func filterJoin(ev *evaluator, in any, a args) (any, error) {
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	sep, _ := a.str(0, "d", "")
	attr, hasAttr := a.get(1, "attribute")
	parts := make([]string, len(items))
	size := 0
	for i, item := range items {
		if hasAttr {
			if item, err = ev.getAttrPath(item, str(attr)); err != nil {
				return nil, err
			}
		}
		if err := strict(item); err != nil {
			return nil, err
		}
		parts[i] = str(item)
		size += len(parts[i]) + len(sep)
		if err := checkString(size); err != nil {
			return nil, err
		}
	}
	return strings.Join(parts, sep), nil
}

func filterLength(_ *evaluator, in any, _ args) (any, error) { return length(in) }

func filterTrim(_ *evaluator, in any, a args) (any, error) {
	if chars, ok := a.get(0, "chars"); ok && chars != nil {
		return strings.Trim(str(in), str(chars)), nil
	}
	return strings.TrimSpace(str(in)), nil
}

func filterReplace(_ *evaluator, in any, a args) (any, error) {
	old, _ := a.str(0, "old", "")
	repl, _ := a.str(1, "new", "")
	n, err := a.integer(2, "count", -1)
	if err != nil {
		return nil, err
	}
	return strings.Replace(str(in), old, repl, n), nil
}

// filterInt is Jinja2's int(value, default=0, base=10).
func filterInt(_ *evaluator, in any, a args) (any, error) {
	def, err := a.integer(0, "default", 0)
	if err != nil {
		return nil, err
	}
	base, err := a.integer(1, "base", 10)
	if err != nil {
		return nil, err
	}
	switch x := in.(type) {
	case int, *big.Int:
		return x, nil
	case bool:
		n, _ := integer(x)
		return n, nil
	case float64:
		if n, ok := floatToInt(x); ok {
			return n, nil
		}
	case string:
		s := strings.ReplaceAll(strings.TrimSpace(x), "_", "")
		plain := s
		if digits, b, ok := pyIntDigits(s, base); ok {
			if n, ok := value.ParseInt(digits, b); ok {
				return n, nil
			}
		}
		// Jinja2's quirk for any base: int(float(value)), so that
		// "42.23" | int is 42.
		if f, err := strconv.ParseFloat(plain, 64); err == nil {
			if n, ok := floatToInt(f); ok {
				return n, nil
			}
		}
	}
	return def, nil
}

// pyIntDigits applies Python's int(s, base) rules for a prefix: base 0
// takes the base from 0x, 0o or 0b (decimal otherwise, where a leading
// zero is an error), and base 16, 8 or 2 allows its own prefix only, so
// that "0b1" is still hexadecimal digits in base 16.
func pyIntDigits(s string, base int) (string, int, bool) {
	sign, rest := "", s
	if rest != "" && (rest[0] == '+' || rest[0] == '-') {
		sign, rest = rest[:1], rest[1:]
	}
	lower := strings.ToLower(rest)
	prefixes := map[int]string{16: "0x", 8: "0o", 2: "0b"}
	if base == 0 {
		for b, p := range prefixes {
			if strings.HasPrefix(lower, p) {
				return sign + rest[2:], b, true
			}
		}
		if len(rest) > 1 && rest[0] == '0' && strings.Trim(rest, "0") != "" {
			return "", 0, false
		}
		return sign + rest, 10, true
	}
	if p, ok := prefixes[base]; ok && strings.HasPrefix(lower, p) {
		return sign + rest[2:], base, true
	}
	return s, base, true
}

func filterFloat(_ *evaluator, in any, a args) (any, error) {
	def := 0.0
	if d, ok := a.get(0, "default"); ok {
		def, _ = value.Float(d)
	}
	switch x := in.(type) {
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
			return f, nil
		}
		return def, nil
	}
	if f, ok := value.Float(in); ok {
		return f, nil
	}
	return def, nil
}

func filterList(_ *evaluator, in any, _ args) (any, error) {
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	return append([]any(nil), items...), nil
}

func filterFirst(_ *evaluator, in any, _ args) (any, error) {
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return &undefined{"No first item, sequence was empty."}, nil
	}
	return items[0], nil
}

func filterLast(_ *evaluator, in any, _ args) (any, error) {
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return &undefined{"No last item, sequence was empty."}, nil
	}
	return items[len(items)-1], nil
}

// sortKey extracts the value items are ordered by: the item itself or an
// attribute, case-folded unless case_sensitive.
func (ev *evaluator) sortKey(item any, attr string, caseSensitive bool) (any, error) {
	if attr != "" {
		var err error
		if item, err = ev.getAttrPath(item, attr); err != nil {
			return nil, err
		}
		if err := strict(item); err != nil {
			return nil, err
		}
	}
	if s, ok := item.(string); ok && !caseSensitive {
		return strings.ToLower(s), nil
	}
	return item, nil
}

func minMax(want int) filterFunc {
	return func(ev *evaluator, in any, a args) (any, error) {
		items, err := iterate(in)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return &undefined{"No aggregated item, sequence was empty."}, nil
		}
		attr, _ := a.str(-1, "attribute", "")
		cs := a.boolean(-1, "case_sensitive", false)
		best := items[0]
		bestKey, err := ev.sortKey(best, attr, cs)
		if err != nil {
			return nil, err
		}
		for _, item := range items[1:] {
			k, err := ev.sortKey(item, attr, cs)
			if err != nil {
				return nil, err
			}
			c, err := compare(k, bestKey)
			if err != nil {
				return nil, err
			}
			if c == want {
				best, bestKey = item, k
			}
		}
		return best, nil
	}
}

func filterSum(ev *evaluator, in any, a args) (any, error) {
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	attr, _ := a.str(-1, "attribute", "")
	total, _ := a.get(1, "start")
	if total == nil {
		total = 0
	}
	for _, item := range items {
		if attr != "" {
			if item, err = ev.getAttrPath(item, attr); err != nil {
				return nil, err
			}
		}
		if total, err = arithmetic("+", total, item); err != nil {
			return nil, err
		}
	}
	return total, nil
}

func filterSort(ev *evaluator, in any, a args) (any, error) {
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	reverse := a.boolean(0, "reverse", false)
	cs := a.boolean(1, "case_sensitive", false)
	attr, _ := a.str(2, "attribute", "")
	keys := make([]any, len(items))
	for i, item := range items {
		if !strings.Contains(attr, ",") {
			if keys[i], err = ev.sortKey(item, attr, cs); err != nil {
				return nil, err
			}
			continue
		}
		// Jinja2's make_multi_attrgetter: "a,b" sorts by a, then b.
		var key tuple
		for _, part := range strings.Split(attr, ",") {
			k, err := ev.sortKey(item, part, cs)
			if err != nil {
				return nil, err
			}
			key = append(key, k)
		}
		keys[i] = key
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	var cmpErr error
	sort.SliceStable(idx, func(i, j int) bool {
		c, err := compare(keys[idx[i]], keys[idx[j]])
		if err != nil {
			cmpErr = err
		}
		if reverse {
			return c > 0
		}
		return c < 0
	})
	if cmpErr != nil {
		return nil, cmpErr
	}
	out := make([]any, len(items))
	for i, k := range idx {
		out[i] = items[k]
	}
	return out, nil
}

func filterReverse(_ *evaluator, in any, _ args) (any, error) {
	if s, ok := in.(string); ok {
		r := []rune(s)
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r), nil
	}
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(items))
	for i, item := range items {
		out[len(items)-1-i] = item
	}
	return out, nil
}

func filterUnique(ev *evaluator, in any, a args) (any, error) {
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	// Ansible's unique passes bool(case_sensitive) to Jinja2's, so
	// that it ignores case unless told otherwise.
	cs := a.boolean(0, "case_sensitive", false)
	attr, _ := a.str(1, "attribute", "")
	var out, seen []any
	for _, item := range items {
		k, err := ev.sortKey(item, attr, cs)
		if err != nil {
			return nil, err
		}
		if dup, _ := contains(seen, k); !dup {
			seen = append(seen, k)
			out = append(out, item)
		}
	}
	if out == nil {
		out = []any{}
	}
	return out, nil
}

// filterMap is map(attribute='x'), map('filter', args...).
func filterMap(ev *evaluator, in any, a args) (any, error) {
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(items))
	if attr, ok := a.kw["attribute"]; ok && len(a.pos) == 0 {
		def, hasDef := a.kw["default"]
		for _, item := range items {
			v, err := ev.getAttrPath(item, str(attr))
			if err != nil {
				return nil, err
			}
			if _, undef := v.(*undefined); undef && hasDef {
				v = def
			}
			out = append(out, v)
		}
		return out, nil
	}
	if len(a.pos) == 0 {
		return nil, fmt.Errorf("map requires a filter argument")
	}
	name := str(a.pos[0])
	sub := args{name, a.pos[1:], a.kw}
	for _, item := range items {
		v, err := ev.callFilter(name, item, sub)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// selectFilter is select/reject: keep items passing (or failing) a test.
func selectFilter(keep bool) filterFunc {
	return func(ev *evaluator, in any, a args) (any, error) {
		items, err := iterate(in)
		if err != nil {
			return nil, err
		}
		out := []any{}
		for _, item := range items {
			ok := truthy(item)
			if len(a.pos) > 0 {
				if ok, err = ev.callTest(str(a.pos[0]), item, a.pos[1:]); err != nil {
					return nil, err
				}
			}
			if ok == keep {
				out = append(out, item)
			}
		}
		return out, nil
	}
}

// selectAttrFilter is selectattr/rejectattr: test an attribute of each item.
func selectAttrFilter(keep bool) filterFunc {
	return func(ev *evaluator, in any, a args) (any, error) {
		items, err := iterate(in)
		if err != nil {
			return nil, err
		}
		if len(a.pos) == 0 {
			return nil, fmt.Errorf("%s requires an attribute", a.fn)
		}
		attr := str(a.pos[0])
		out := []any{}
		for _, item := range items {
			v, err := ev.getAttrPath(item, attr)
			if err != nil {
				return nil, err
			}
			var ok bool
			if len(a.pos) > 1 {
				if ok, err = ev.callTest(str(a.pos[1]), v, a.pos[2:]); err != nil {
					return nil, err
				}
			} else {
				if err := strict(v); err != nil {
					return nil, err
				}
				ok = truthy(v)
			}
			if ok == keep {
				out = append(out, item)
			}
		}
		return out, nil
	}
}

// getAttrPath follows a dotted attribute path such as "a.b" or "a.0".
func (ev *evaluator) getAttrPath(obj any, path string) (any, error) {
	for _, part := range strings.Split(path, ".") {
		var err error
		if n, convErr := strconv.Atoi(part); convErr == nil {
			obj, err = ev.getItem(obj, n)
		} else {
			obj, err = ev.getItem(obj, part)
		}
		if err != nil {
			return nil, err
		}
	}
	return obj, nil
}

func filterAbs(_ *evaluator, in any, _ args) (any, error) {
	switch x := in.(type) {
	case int, *big.Int:
		if c, _ := compare(x, 0); c < 0 {
			return intNeg(x), nil
		}
		return x, nil
	case float64:
		return math.Abs(x), nil
	}
	return nil, &typeError{fmt.Sprintf("bad operand type for abs(): '%s'", pyType(in))}
}

func filterRound(_ *evaluator, in any, a args) (any, error) {
	f, ok := value.Float(in)
	if !ok {
		return nil, fmt.Errorf("round: expected a number, got %s", pyType(in))
	}
	prec, err := a.integer(0, "precision", 0)
	if err != nil {
		return nil, err
	}
	method, _ := a.str(1, "method", "common")
	if method != "common" && method != "ceil" && method != "floor" {
		return nil, &PyError{"jinja2.exceptions.FilterArgumentError", "method must be common, ceil or floor"}
	}
	scale := math.Pow(10, float64(prec))
	switch method {
	case "ceil":
		return math.Ceil(f*scale) / scale, nil
	case "floor":
		return math.Floor(f*scale) / scale, nil
	}
	return math.RoundToEven(f*scale) / scale, nil
}

// filterItems is dict.items(): (key, value) pairs in the dict's order.
func filterItems(_ *evaluator, in any, _ args) (any, error) {
	m, ok := in.(*dict)
	if !ok {
		return nil, fmt.Errorf("items: expected a dict, got %s", pyType(in))
	}
	out := make([]any, 0, m.Len())
	for k, v := range m.All() {
		out = append(out, tuple{k, v})
	}
	return out, nil
}

// filterDictsort is dictsort(case_sensitive=False, by='key', reverse=False).
func filterDictsort(ev *evaluator, in any, a args) (any, error) {
	pairs, err := filterItems(ev, in, a)
	if err != nil {
		return nil, err
	}
	items := pairs.([]any)
	caseSensitive := a.boolean(0, "case_sensitive", false)
	by, _ := a.str(1, "by", "key")
	pos := 0
	switch by {
	case "key":
	case "value":
		pos = 1
	default:
		return nil, fmt.Errorf("You can only sort by either 'key' or 'value'")
	}
	sortKey := func(v any) any {
		if s, ok := v.(string); ok && !caseSensitive {
			return strings.ToLower(s)
		}
		return v
	}
	var cmpErr error
	sort.SliceStable(items, func(i, j int) bool {
		c, err := compare(sortKey(items[i].(tuple)[pos]), sortKey(items[j].(tuple)[pos]))
		if err != nil && cmpErr == nil {
			cmpErr = err
		}
		return c < 0
	})
	if cmpErr != nil {
		return nil, cmpErr
	}
	if a.boolean(2, "reverse", false) {
		return filterReverse(ev, items, a)
	}
	return items, nil
}

// filterEscape is HTML escaping as markupsafe does it. Its result is plain
// text here, not Markup, so escaping twice escapes twice.
func filterEscape(_ *evaluator, in any, _ args) (any, error) {
	if in == nil {
		return "None", nil
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&#39;", `"`, "&#34;").Replace(str(in)), nil
}

func filterAttribute(ev *evaluator, in any, a args) (any, error) {
	name, _ := a.str(0, "name", "")
	return ev.getAttrPath(in, name)
}

func filterBatch(_ *evaluator, in any, a args) (any, error) {
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	size, err := a.integer(0, "linecount", 1)
	if err != nil || size < 1 {
		return nil, fmt.Errorf("batch: invalid size")
	}
	fill, hasFill := a.get(1, "fill_with")
	if hasFill && fill != nil {
		if err := checkItems(size); err != nil {
			return nil, err
		}
	}
	out := []any{}
	// i+size cannot overflow: a size beyond the items makes one batch.
	size = min(size, maxListItems+1)
	for i := 0; i < len(items); i += size {
		end := min(i+size, len(items))
		batch := append([]any(nil), items[i:end]...)
		for hasFill && fill != nil && len(batch) < size {
			batch = append(batch, fill)
		}
		out = append(out, batch)
	}
	return out, nil
}

func filterIndent(_ *evaluator, in any, a args) (any, error) {
	first := a.boolean(1, "first", false)
	blank := a.boolean(2, "blank", false)
	w, _ := a.get(0, "width")
	pad, isText := w.(string) // a string width is the indentation itself
	if !isText {
		width, err := a.integer(0, "width", 4)
		if err != nil {
			return nil, err
		}
		if pad, err = repeatString(" ", width); err != nil {
			return nil, err
		}
	}
	lines := strings.Split(str(in), "\n")
	for i, l := range lines {
		if (i == 0 && !first) || (l == "" && !blank) {
			continue
		}
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n"), nil
}

func filterCenter(_ *evaluator, in any, a args) (any, error) {
	width, err := a.integer(0, "width", 80)
	if err != nil {
		return nil, err
	}
	s := str(in)
	n := len([]rune(s))
	if n >= width {
		return s, nil
	}
	if err := checkString(width); err != nil {
		return nil, err
	}
	total := width - n
	left := total / 2
	if total%2 == 1 && width%2 == 1 {
		left++
	}
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", total-left), nil
}

// filterFormat is Jinja2's value % (kwargs or args): keyword arguments
// make a mapping for %(name)s, positional ones always a tuple, so that a
// single list or dict argument is one value, not the values.
func filterFormat(ev *evaluator, in any, a args) (any, error) {
	if len(a.kw) > 0 {
		if len(a.pos) > 0 {
			return nil, fmt.Errorf("can't handle positional and keyword arguments at the same time")
		}
		m := newDict(len(a.kw))
		for _, k := range kwNames(ev, a.kw) {
			m.Set(k, a.kw[k])
		}
		return percentFormat(str(in), m)
	}
	return percentFormat(str(in), tuple(a.pos))
}

func filterWordcount(_ *evaluator, in any, _ args) (any, error) {
	return len(strings.Fields(str(in))), nil
}

func filterTruncate(_ *evaluator, in any, a args) (any, error) {
	s := []rune(str(in))
	n, err := a.integer(0, "length", 255)
	if err != nil {
		return nil, err
	}
	killwords := a.boolean(1, "killwords", false)
	end, _ := a.str(2, "end", "...")
	leeway, err := a.integer(3, "leeway", 5)
	if err != nil {
		return nil, err
	}
	// Jinja2's own assertions; they also keep the arithmetic below in range.
	if n < len([]rune(end)) {
		return nil, fmt.Errorf("expected length >= %d, got %d", len([]rune(end)), n)
	}
	if leeway < 0 {
		return nil, fmt.Errorf("expected leeway >= 0, got %d", leeway)
	}
	if n >= len(s) || len(s)-n <= leeway {
		return string(s), nil
	}
	cut := max(n-len([]rune(end)), 0)
	if killwords {
		return string(s[:cut]) + end, nil
	}
	head := string(s[:cut])
	if i := strings.LastIndex(head, " "); i >= 0 {
		head = head[:i]
	}
	return head + end, nil
}

func filterGroupby(ev *evaluator, in any, a args) (any, error) {
	items, err := iterate(in)
	if err != nil {
		return nil, err
	}
	attr, _ := a.str(0, "attribute", "")
	def, _ := a.get(1, "default")
	cs := a.boolean(2, "case_sensitive", false)
	var keys []any
	groups := map[string][]any{}
	first := map[string]any{}
	for _, item := range items {
		k, err := ev.getAttrPath(item, attr)
		if err != nil {
			return nil, err
		}
		// Jinja2 3.0's default= stands in for a missing attribute.
		if _, undef := k.(*undefined); undef && def != nil {
			k = def
		}
		if err := strict(k); err != nil {
			return nil, err
		}
		// Jinja2 3.1 groups strings ignoring case unless case_sensitive,
		// and names a group after its first item's own value.
		gk := k
		if s, ok := k.(string); ok && !cs {
			gk = strings.ToLower(s)
		}
		id := value.Repr(gk)
		if _, seen := groups[id]; !seen {
			keys = append(keys, gk)
			first[id] = k
		}
		groups[id] = append(groups[id], item)
	}
	sorted, err := filterSort(ev, keys, args{kw: map[string]any{"case_sensitive": true}})
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, k := range sorted.([]any) {
		id := value.Repr(k)
		out = append(out, tuple{first[id], groups[id]})
	}
	return out, nil
}
