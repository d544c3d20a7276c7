package template

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"html"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/gansible/gansible/textwrap"
	"github.com/gansible/gansible/value"
)

// String filters: Ansible's split and to_uuid, Jinja2's wordwrap,
// filesizeformat, slice, striptags, xmlattr and attr.
func init() {
	for name, fn := range map[string]filterFunc{
		"split":          filterSplit,
		"to_uuid":        filterToUUID,
		"wordwrap":       filterWordwrap,
		"filesizeformat": filterFilesizeformat,
		"slice":          filterSlice,
		"striptags":      filterStriptags,
		"xmlattr":        filterXMLAttr,
		"attr":           filterAttr,
		"urlize": func(*evaluator, any, args) (any, error) {
			return nil, fmt.Errorf("the urlize filter is not supported")
		},
	} {
		filters[name] = fn
	}
}

// filterSplit is str.split(sep=None, maxsplit=-1).
func filterSplit(_ *evaluator, in any, a args) (any, error) {
	s, ok := in.(string)
	if !ok {
		return nil, fmt.Errorf("descriptor 'split' for 'str' objects doesn't apply to a '%s' object", pyType(in))
	}
	sepArg, hasSep := a.get(0, "sep")
	limit, err := a.integer(1, "maxsplit", -1)
	if err != nil {
		return nil, err
	}
	var parts []string
	if !hasSep || sepArg == nil {
		parts = splitWhitespace(s, limit)
	} else {
		sep, ok := sepArg.(string)
		if !ok {
			return nil, fmt.Errorf("must be str or None, not %s", pyType(sepArg))
		}
		if sep == "" {
			return nil, fmt.Errorf("empty separator")
		}
		n := -1
		if limit >= 0 {
			n = limit + 1
		}
		parts = strings.SplitN(s, sep, n)
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

// splitWhitespace is str.split() with maxsplit: runs of whitespace
// separate, and the last part keeps its inner and trailing whitespace.
func splitWhitespace(s string, limit int) []string {
	parts := []string{}
	rest := strings.TrimLeftFunc(s, unicode.IsSpace)
	for rest != "" {
		if limit >= 0 && len(parts) == limit {
			parts = append(parts, rest)
			break
		}
		i := strings.IndexFunc(rest, unicode.IsSpace)
		if i < 0 {
			parts = append(parts, rest)
			break
		}
		parts = append(parts, rest[:i])
		rest = strings.TrimLeftFunc(rest[i:], unicode.IsSpace)
	}
	return parts
}

// ansibleUUIDNamespace is core.py's UUID_NAMESPACE_ANSIBLE.
const ansibleUUIDNamespace = "361E6D51-FAEC-444A-9079-341386DA8E2E"

// parseUUID is uuid.UUID(text).
func parseUUID(s string) ([]byte, error) {
	h := strings.NewReplacer("urn:", "", "uuid:", "").Replace(s)
	h = strings.ReplaceAll(strings.Trim(h, "{}"), "-", "")
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != 16 {
		return nil, fmt.Errorf("badly formed hexadecimal UUID string")
	}
	return b, nil
}

// filterToUUID is to_uuid(namespace=UUID_NAMESPACE_ANSIBLE): uuid.uuid5.
func filterToUUID(_ *evaluator, in any, a args) (any, error) {
	ns, _ := a.str(0, "namespace", ansibleUUIDNamespace)
	nsb, err := parseUUID(ns)
	if err != nil {
		return nil, fmt.Errorf("Invalid value '%s' for 'namespace': %s", ns, err)
	}
	h := sha1.New()
	h.Write(nsb)
	h.Write([]byte(str(in)))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	x := hex.EncodeToString(u)
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:], nil
}

// filterWordwrap is Jinja2's wordwrap(width=79, break_long_words=True,
// wrapstring=None, break_on_hyphens=True): each line wrapped apart.
func filterWordwrap(_ *evaluator, in any, a args) (any, error) {
	width, err := a.integer(0, "width", 79)
	if err != nil {
		return nil, err
	}
	breakLong := a.boolean(1, "break_long_words", true)
	wrap := "\n"
	if w, ok := a.get(2, "wrapstring"); ok && w != nil {
		wrap = str(w)
	}
	breakHyphens := a.boolean(3, "break_on_hyphens", true)
	var paragraphs []string
	for _, line := range pySplitLines(str(in)) {
		lines, err := textwrap.Wrap(line, width, textwrap.Options{BreakLongWords: breakLong, BreakOnHyphens: breakHyphens})
		if err != nil {
			return nil, err
		}
		paragraphs = append(paragraphs, strings.Join(lines, wrap))
	}
	return strings.Join(paragraphs, wrap), nil
}

// pyFloat is Python's float(v) for numbers and numeric strings.
func pyFloat(v any) (float64, error) {
	if f, ok := value.Float(v); ok {
		return f, nil
	}
	if s, ok := v.(string); ok {
		t := strings.TrimSpace(strings.ReplaceAll(s, "_", ""))
		switch strings.ToLower(strings.TrimLeft(t, "+-")) {
		case "inf", "infinity", "nan":
			f, _ := strconv.ParseFloat(t, 64)
			return f, nil
		}
		if f, err := strconv.ParseFloat(t, 64); err == nil || strings.Contains(err.Error(), "range") {
			return f, nil
		}
		return 0, valueError("could not convert string to float: %s", value.Quote(s))
	}
	return 0, fmt.Errorf("float() argument must be a string or a real number, not '%s'", pyType(v))
}

// filterFilesizeformat is Jinja2's filesizeformat(binary=False).
func filterFilesizeformat(_ *evaluator, in any, a args) (any, error) {
	bytes, err := pyFloat(in)
	if err != nil {
		return nil, err
	}
	base := 1000.0
	prefixes := []string{"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}
	if a.boolean(0, "binary", false) {
		base = 1024
		prefixes = []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"}
	}
	switch {
	case bytes == 1:
		return "1 Byte", nil
	case bytes < base:
		if math.IsNaN(bytes) || math.IsInf(bytes, 0) {
			return nil, fmt.Errorf("cannot convert float %s to integer", value.FormatFloat(bytes))
		}
		return fmt.Sprintf("%d Bytes", int(bytes)), nil
	}
	var unit float64
	var prefix string
	for i, p := range prefixes {
		unit, prefix = pyPow(base, float64(i+2)), p
		if bytes < unit {
			break
		}
	}
	return fmt.Sprintf("%.1f %s", base*bytes/unit, prefix), nil
}

// filterSlice is Jinja2's slice(slices, fill_with=None): the items in
// that many columns.
func filterSlice(_ *evaluator, in any, a args) (any, error) {
	seq, err := iterate(in)
	if err != nil {
		return nil, err
	}
	slices, err := a.integer(0, "slices", 0)
	if err != nil {
		return nil, err
	}
	if _, ok := a.get(0, "slices"); !ok {
		return nil, fmt.Errorf("sync_do_slice() missing 1 required positional argument: 'slices'")
	}
	if slices <= 0 {
		if slices == 0 {
			return nil, zeroDivisionError("integer division or modulo by zero")
		}
		return []any{}, nil
	}
	if err := checkItems(slices); err != nil {
		return nil, err
	}
	fill, _ := a.get(1, "fill_with")
	per, extra := len(seq)/slices, len(seq)%slices
	offset := 0
	out := make([]any, 0, slices)
	for n := range slices {
		start := offset + n*per
		if n < extra {
			offset++
		}
		end := offset + (n+1)*per
		part := append([]any{}, seq[start:end]...)
		if fill != nil && n >= extra {
			part = append(part, fill)
		}
		out = append(out, part)
	}
	return out, nil
}

var (
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	htmlTag     = regexp.MustCompile(`(?s)<.*?>`)
)

// filterStriptags is Jinja2's striptags: markupsafe's Markup.striptags.
func filterStriptags(_ *evaluator, in any, _ args) (any, error) {
	s := htmlComment.ReplaceAllString(str(in), "")
	s = htmlTag.ReplaceAllString(s, "")
	return html.UnescapeString(strings.Join(strings.Fields(s), " ")), nil
}

// markupEscape is markupsafe.escape.
var markupEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&#39;", `"`, "&#34;")

var xmlAttrKey = regexp.MustCompile(`[\t\n\v\f\r /=>]`)

// filterXMLAttr is Jinja2's xmlattr(autospace=True).
func filterXMLAttr(_ *evaluator, in any, a args) (any, error) {
	m, ok := in.(*dict)
	if !ok {
		return nil, fmt.Errorf("'%s' object has no attribute 'items'", pyType(in))
	}
	var items []string
	for k, v := range m.All() {
		if _, undef := v.(*undefined); undef || v == nil {
			continue
		}
		if xmlAttrKey.MatchString(k) {
			return nil, fmt.Errorf("Invalid character in attribute name: %s", value.Quote(k))
		}
		items = append(items, markupEscape.Replace(k)+`="`+markupEscape.Replace(str(v))+`"`)
	}
	out := strings.Join(items, " ")
	if a.boolean(0, "autospace", true) && out != "" {
		out = " " + out
	}
	return out, nil
}

// filterAttr is Jinja2's attr(name): an attribute only, never an item.
func filterAttr(_ *evaluator, in any, a args) (any, error) {
	name, _ := a.str(0, "name", "")
	if ns, ok := in.(*namespace); ok {
		if v, ok := ns.attrs.Get(name); ok {
			return v, nil
		}
	}
	if m, ok := method(in, name); ok {
		return m, nil
	}
	return undefinedAttr(in, name), nil
}
