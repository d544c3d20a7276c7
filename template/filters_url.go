package template

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gansible/gansible/value"
)

// URL filters: Ansible's urlsplit and urldecode (Python's
// urllib.parse.urlsplit and unquote_plus) and Jinja2's urlencode.
func init() {
	filters["urlsplit"] = filterURLSplit
	filters["urldecode"] = stringFilter(func(s string) string { return unquote(strings.ReplaceAll(s, "+", " ")) })
	filters["urlencode"] = filterURLEncode
}

const schemeChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-."

// urlSplit is urllib.parse.urlsplit as a dict of the SplitResult's
// attributes, as Ansible's helpers.object_to_dict makes it.
func urlSplit(url string) (map[string]any, error) {
	url = strings.TrimLeft(url, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	url = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(url)
	scheme, netloc, query, fragment := "", "", "", ""
	if i := strings.IndexByte(url, ':'); i > 0 && isASCIILetter(url[0]) && strings.Trim(url[:i], schemeChars) == "" {
		scheme, url = strings.ToLower(url[:i]), url[i+1:]
	}
	if strings.HasPrefix(url, "//") {
		end := len(url)
		if i := strings.IndexAny(url[2:], "/?#"); i >= 0 {
			end = i + 2
		}
		netloc, url = url[2:end], url[end:]
		if strings.Contains(netloc, "[") != strings.Contains(netloc, "]") {
			return nil, fmt.Errorf("Invalid IPv6 URL")
		}
	}
	if i := strings.IndexByte(url, '#'); i >= 0 {
		url, fragment = url[:i], url[i+1:]
	}
	if i := strings.IndexByte(url, '?'); i >= 0 {
		url, query = url[:i], url[i+1:]
	}
	out := map[string]any{
		"scheme": scheme, "netloc": netloc, "path": url, "query": query, "fragment": fragment,
		"username": nil, "password": nil, "hostname": nil, "port": nil,
	}
	hostinfo := netloc
	if i := strings.LastIndexByte(netloc, '@'); i >= 0 {
		userinfo := netloc[:i]
		hostinfo = netloc[i+1:]
		user, pass, hasPass := strings.Cut(userinfo, ":")
		out["username"] = user
		if hasPass {
			out["password"] = pass
		}
	}
	host, port := hostinfo, ""
	hasPort := false
	if strings.HasPrefix(hostinfo, "[") {
		if end := strings.IndexByte(hostinfo, ']'); end >= 0 {
			host = hostinfo[1:end]
			port, hasPort = strings.CutPrefix(hostinfo[end+1:], ":")
		} else {
			host = hostinfo[1:]
		}
	} else if i := strings.LastIndexByte(hostinfo, ':'); i >= 0 {
		host, port, hasPort = hostinfo[:i], hostinfo[i+1:], true
	}
	if host != "" {
		out["hostname"] = strings.ToLower(host)
	}
	if hasPort && port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || strings.Trim(port, "0123456789") != "" {
			return nil, fmt.Errorf("Port could not be cast to integer value as %s", value.Quote(port))
		}
		if n < 0 || n > 65535 {
			return nil, fmt.Errorf("Port out of range 0-65535")
		}
		out["port"] = n
	}
	return out, nil
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func filterURLSplit(_ *evaluator, in any, a args) (any, error) {
	parts, err := urlSplit(str(in))
	if err != nil {
		return nil, err
	}
	query, _ := a.str(0, "query", "")
	if query == "" {
		// Ansible's object_to_dict lists the attributes in dir() order:
		// sorted.
		return value.FromMap(parts), nil
	}
	v, ok := parts[query]
	if !ok {
		return nil, fmt.Errorf("urlsplit: unknown URL component: %s", query)
	}
	return v, nil
}

// unquote is urllib.parse.unquote: %XX escapes become bytes, read as
// UTF-8 with invalid sequences replaced; malformed escapes stay.
func unquote(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b = append(b, byte(n))
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// urlQuote is Jinja2's url_quote: urllib.parse.quote_from_bytes of the
// UTF-8 text, "/" kept except in query strings, where " " becomes "+".
func urlQuote(v any, forQS bool) string {
	var sb strings.Builder
	for _, c := range []byte(str(v)) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.', c == '-', c == '~':
			sb.WriteByte(c)
		case c == '/' && !forQS:
			sb.WriteByte(c)
		case c == ' ' && forQS:
			sb.WriteByte('+')
		default:
			fmt.Fprintf(&sb, "%%%02X", c)
		}
	}
	return sb.String()
}

// filterURLEncode is Jinja2's urlencode: a quoted string, or a query
// string of a dict's or a list of pairs' items.
func filterURLEncode(_ *evaluator, in any, _ args) (any, error) {
	var pairs [][2]any
	switch x := in.(type) {
	case *dict:
		for k, e := range x.All() {
			pairs = append(pairs, [2]any{k, e})
		}
	case []any, tuple:
		items, _ := asSeq(x)
		for _, item := range items {
			kv, err := iterate(item)
			if err != nil {
				return nil, fmt.Errorf("cannot unpack non-iterable %s object", pyType(item))
			}
			if len(kv) != 2 {
				return nil, fmt.Errorf("too many values to unpack (expected 2)")
			}
			pairs = append(pairs, [2]any{kv[0], kv[1]})
		}
	default:
		return urlQuote(in, false), nil
	}
	parts := make([]string, len(pairs))
	for i, kv := range pairs {
		parts[i] = urlQuote(kv[0], true) + "=" + urlQuote(kv[1], true)
	}
	return strings.Join(parts, "&"), nil
}
