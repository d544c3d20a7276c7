package template

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gansible/gansible/template/syntax"
	"github.com/gansible/gansible/value"
)

// Syntax is how a template source is lexed (package syntax's), named here
// too for the callers that hand one from SyntaxFromOptions to RenderFile.
type Syntax = syntax.Syntax

// SyntaxFromOptions is the template action's handling of the module's
// environment options (trim_blocks, lstrip_blocks, the six delimiter
// strings and newline_sequence): get returns an option's value and whether
// the task gave it. The messages are the action's.
func SyntaxFromOptions(get func(name string) (any, bool)) (Syntax, error) {
	syn := syntax.DefaultSyntax()
	strs := []struct {
		name string
		dst  *string
	}{
		{"newline_sequence", &syn.NewlineSequence},
		{"variable_start_string", &syn.VariableStart}, {"variable_end_string", &syn.VariableEnd},
		{"block_start_string", &syn.BlockStart}, {"block_end_string", &syn.BlockEnd},
		{"comment_start_string", &syn.CommentStart}, {"comment_end_string", &syn.CommentEnd},
	}
	for _, o := range strs {
		v, ok := get(o.name)
		if !ok || v == nil {
			continue
		}
		// ensure_type(value, 'string'): scalars become text, without
		// the quotes around it; anything else is a failure of the action.
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case int, float64, bool:
			s = str(x)
		default:
			return syn, fmt.Errorf("Unexpected failure during module execution: Invalid type provided for \"string\": %s", value.Repr(v))
		}
		if n := len(s); n > 1 && s[0] == s[n-1] && (s[0] == '"' || s[0] == '\'') && s[n-2] != '\\' {
			s = s[1 : n-1]
		}
		if s != "" || o.name == "newline_sequence" {
			*o.dst = s
		}
	}
	switch syn.NewlineSequence {
	case `\n`:
		syn.NewlineSequence = "\n"
	case `\r`:
		syn.NewlineSequence = "\r"
	case `\r\n`:
		syn.NewlineSequence = "\r\n"
	}
	if s := syn.NewlineSequence; s != "\n" && s != "\r" && s != "\r\n" {
		return syn, fmt.Errorf("newline_sequence needs to be one of: \n, \r or \r\n")
	}
	for _, o := range []struct {
		name string
		dst  *bool
	}{{"trim_blocks", &syn.TrimBlocks}, {"lstrip_blocks", &syn.LstripBlocks}} {
		if v, ok := get(o.name); ok {
			*o.dst = looseBool(v)
		}
	}
	return syn, nil
}

// looseBool is Ansible's boolean(value, strict=False): its true spellings
// are true, anything else false.
func looseBool(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int:
		return x == 1
	case float64:
		return x == 1
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "y", "yes", "on", "1", "true", "t":
			return true
		}
	}
	return false
}

// FileVars are the variables the template module and the template lookup
// add for a template file (Ansible's generate_ansible_template_vars): src
// is the name the task gave, path the file found, dest the destination
// ("" for none), managed the ansible_managed setting.
func FileVars(src, path, dest, managed string, now time.Time) (map[string]any, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	uid := ""
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		uid = strconv.FormatUint(uint64(sys.Uid), 10)
		if u, err := user.LookupId(uid); err == nil {
			uid = u.Username
		}
	}
	host, _ := os.Hostname()
	mtime := st.ModTime()
	vars := map[string]any{
		"template_host":     host,
		"template_path":     src,
		"template_fullpath": path,
		"template_mtime":    datetimeOf(mtime),
		"template_uid":      uid,
		"template_run_date": datetimeOf(now),
		"template_destpath": nil,
	}
	if dest != "" {
		vars["template_destpath"] = dest
	}
	// str.format with the three fields, then time.strftime at the mtime.
	r := strings.NewReplacer("{host}", host, "{uid}", uid, "{file}", src, "{{", "{", "}}", "}")
	vars["ansible_managed"] = strftime(mtime, r.Replace(managed))
	return vars, nil
}
