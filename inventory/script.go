package inventory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/yamlvalue"
)

// isScript reports whether path is an inventory script, as Ansible's
// script plugin decides: an executable file, or one starting with "#!".
func isScript(path string) bool {
	if unix := isExecutable(path); unix {
		return true
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 2)
	n, _ := f.Read(head)
	return n == 2 && string(head) == "#!"
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// runScript runs an inventory script with args and returns its output,
// with Ansible's error when it fails.
func runScript(path string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(context.Background(), path, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	msg := stderr.String()
	if msg != "" && !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	if _, ok := err.(*exec.ExitError); ok {
		return nil, fmt.Errorf("Inventory script (%s) had an execution error: %s ", path, msg)
	}
	if err != nil {
		return nil, fmt.Errorf("problem running %s %s (%s)", path, strings.Join(args, " "), pythonOSError(err))
	}
	if !utf8.Valid(stdout.Bytes()) {
		return nil, fmt.Errorf("Inventory %s contained characters that cannot be interpreted as UTF-8", path)
	}
	return stdout.Bytes(), nil
}

// pythonOSError is an error starting a program as Python's OSError
// prints it: "[Errno 13] Permission denied: 'path'". Go's errno texts are
// C's strerror in lower case.
func pythonOSError(err error) string {
	var pe *fs.PathError
	var errno syscall.Errno
	if !errors.As(err, &pe) || !errors.As(err, &errno) {
		return err.Error()
	}
	text := errno.Error()
	if text != "" {
		text = strings.ToUpper(text[:1]) + text[1:]
	}
	return fmt.Sprintf("[Errno %d] %s: '%s'", int(errno), text, pe.Path)
}

// parseScript reads the inventory an executable script prints for
// --list: groups with hosts, vars and children (or a bare list of
// hosts, or a dict of variables for a host named as the group), and
// _meta.hostvars; without _meta, each host's variables come from
// --host NAME, as Ansible's script plugin does.
func (inv *Inventory) parseScript(path string) error {
	out, err := runScript(path, "--list")
	if err != nil {
		return err
	}
	root, err := yamlvalue.Parse(path, out)
	if err != nil || root == nil || !isJSONDocument(out) {
		return fmt.Errorf("failed to parse executable inventory script results from %s: the output is not JSON", path)
	}
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("failed to parse executable inventory script results from %s: needs to be a json dict", path)
	}
	var seen []string // hosts, in the order the groups name them
	known := map[string]bool{}
	var meta *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		name, data := root.Content[i].Value, root.Content[i+1]
		if name == "_meta" {
			meta = data
			continue
		}
		hosts, err := inv.scriptGroup(path, name, data)
		if err != nil {
			return err
		}
		for _, h := range hosts {
			if !known[h] {
				known[h] = true
				seen = append(seen, h)
			}
		}
	}
	var hostvars *yaml.Node
	if meta != nil && meta.Kind == yaml.MappingNode {
		hostvars = mappingValue(meta, "hostvars")
	}
	for _, name := range seen {
		var vars any
		switch {
		case hostvars != nil:
			if hostvars.Kind != yaml.MappingNode {
				return fmt.Errorf("Improperly formatted host information for %s", name)
			}
			if n := mappingValue(hostvars, name); n != nil {
				if vars, err = yamlvalue.Decode(path, n); err != nil {
					return err
				}
			}
		default:
			if vars, err = scriptHostVars(path, name); err != nil {
				return err
			}
		}
		m, ok := vars.(*value.Dict)
		if vars != nil && !ok {
			return fmt.Errorf("Improperly formatted host information for %s", name)
		}
		h := inv.hosts[name]
		for k, v := range m.All() {
			h.Vars[k] = v
		}
	}
	return nil
}

// scriptGroup adds one group of a script's --list output and returns the
// hosts it names.
func (inv *Inventory) scriptGroup(path, name string, data *yaml.Node) ([]string, error) {
	g := inv.addGroup(name)
	var hostsNode, varsNode, childrenNode *yaml.Node
	switch {
	case data.Kind != yaml.MappingNode:
		hostsNode = data
	case mappingValue(data, "hosts") == nil && mappingValue(data, "vars") == nil && mappingValue(data, "children") == nil:
		// A dict of variables for a host named as the group.
		hostsNode = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}}}
		varsNode = data
	default:
		hostsNode, varsNode, childrenNode = mappingValue(data, "hosts"), mappingValue(data, "vars"), mappingValue(data, "children")
	}
	var hosts []string
	if hostsNode != nil {
		if hostsNode.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("You defined a group '%s' with bad data for the host list:\n %s", name, reprNode(path, data))
		}
		for _, n := range hostsNode.Content {
			host := yamlvalue.Stringify(yamlvalue.Scalar(n))
			inv.addHost(host, name, path, 0)
			hosts = append(hosts, host)
		}
	}
	if varsNode != nil {
		if varsNode.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("You defined a group '%s' with bad data for variables:\n %s", name, reprNode(path, data))
		}
		for i := 0; i+1 < len(varsNode.Content); i += 2 {
			v, err := yamlvalue.Decode(path, varsNode.Content[i+1])
			if err != nil {
				return nil, err
			}
			if err := inv.setGroupVar(g, varsNode.Content[i].Value, v); err != nil {
				return nil, err
			}
		}
	}
	if childrenNode != nil && childrenNode.Kind == yaml.SequenceNode {
		for _, n := range childrenNode.Content {
			child := yamlvalue.Stringify(yamlvalue.Scalar(n))
			inv.addGroup(child)
			if err := inv.addChild(name, child); err != nil {
				return nil, err
			}
		}
	}
	return hosts, nil
}

// scriptHostVars runs the script with --host NAME.
func scriptHostVars(path, host string) (any, error) {
	out, err := runScript(path, "--host", host)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil
	}
	root, err := yamlvalue.Parse(path, out)
	if err == nil && root != nil && isJSONDocument(out) {
		var v any
		if v, err = yamlvalue.Decode(path, root); err == nil {
			return v, nil
		}
	}
	return nil, fmt.Errorf("could not parse post variable response: %s --host %s, %s", path, host, out)
}

// isJSONDocument reports whether out is a JSON value (the script plugin
// reads JSON only; YAML that is not JSON is refused).
func isJSONDocument(out []byte) bool {
	t := bytes.TrimSpace(out)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(t)
}

// mappingValue returns the value of key in mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// reprNode is a value as Python prints it, for error messages.
func reprNode(path string, n *yaml.Node) string {
	v, err := yamlvalue.Decode(path, n)
	if err != nil {
		return n.Value
	}
	return value.Repr(v)
}
