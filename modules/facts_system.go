package modules

import (
	"strconv"
	"strings"
)

// systemFacts computes the facts of Ansible's "min" subset beyond the
// platform, distribution, user, env and date_time ones: the kernel's
// command line, machine id, process ids, capabilities, security modules,
// DNS settings and SSH host keys.
func systemFacts(rec map[string]string) map[string]any {
	f := map[string]any{}
	cmdline := cmdlineFacts(rec["cmdline"])
	f["cmdline"] = cmdline
	f["proc_cmdline"] = procCmdlineFacts(rec["cmdline"])

	id := strings.TrimSpace(rec["machine_id"])
	if id == "" {
		id = strings.TrimSpace(rec["dbus_machine_id"])
	}
	if id != "" {
		f["machine_id"] = id
	}

	f["effective_user_id"] = atoi(rec["euid"])
	f["effective_group_id"] = atoi(rec["egid"])
	f["real_user_id"] = atoi(rec["ruid"])
	f["real_group_id"] = atoi(rec["rgid"])
	// Ansible reports the word size of its Python as a string.
	if bits := strings.TrimSpace(rec["long_bit"]); bits != "" {
		f["userspace_bits"] = bits
	}

	f["system_capabilities_enforced"], f["system_capabilities"] = capsFacts(rec)

	f["apparmor"] = map[string]any{"status": "disabled"}
	if _, ok := rec["apparmor"]; ok {
		f["apparmor"] = map[string]any{"status": "enabled"}
	}
	f["fips"] = strings.TrimSpace(rec["fips"]) == "1"
	f["dns"] = dnsFacts(rec["resolv"])
	for k, v := range sshHostKeyFacts(rec) {
		f[k] = v
	}
	return f
}

// cmdlineFacts is Ansible's "cmdline": each word of /proc/cmdline, split
// at its first "=", the last value of a repeated key winning; a word
// without "=" is true.
func cmdlineFacts(text string) map[string]any {
	out := map[string]any{}
	for _, w := range strings.Fields(text) {
		if k, v, ok := strings.Cut(w, "="); ok {
			out[k] = v
		} else {
			out[w] = true
		}
	}
	return out
}

// procCmdlineFacts is Ansible's "proc_cmdline": as cmdline, but a key
// given more than once keeps all its values, as a list.
func procCmdlineFacts(text string) map[string]any {
	out := map[string]any{}
	for _, w := range strings.Fields(text) {
		k, v, ok := strings.Cut(w, "=")
		var val any = true
		if ok {
			val = v
		}
		switch old := out[k].(type) {
		case nil:
			out[k] = val
		case []any:
			out[k] = append(old, val)
		default:
			out[k] = []any{old, val}
		}
	}
	return out
}

// capsFacts reads `capsh --print`'s "Current:" line as Ansible does:
// "=ep" means nothing is enforced; without capsh both are "N/A".
func capsFacts(rec map[string]string) (any, any) {
	out, ok := rec["capsh"]
	if !ok {
		return "N/A", "N/A"
	}
	enforced, caps := "NA", []any{}
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(line, "Current:")
		if !ok {
			continue
		}
		if strings.TrimSpace(rest) == "=ep" {
			enforced = "False"
			continue
		}
		enforced = "True"
		if _, v, ok := strings.Cut(line, "="); ok {
			for _, c := range strings.Split(v, ",") {
				caps = append(caps, strings.TrimSpace(c))
			}
		}
	}
	return enforced, caps
}

// dnsFacts parses resolv.conf as Ansible's dns collector does.
func dnsFacts(text string) map[string]any {
	dns := map[string]any{}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") || strings.TrimSpace(line) == "" {
			continue
		}
		w := strings.Fields(line)
		if len(w) < 2 {
			continue
		}
		switch w[0] {
		case "nameserver":
			l, _ := dns["nameservers"].([]any)
			dns["nameservers"] = append(l, w[1])
		case "domain":
			dns["domain"] = w[1]
		case "search":
			l := []any{}
			for _, s := range w[1:] {
				l = append(l, s)
			}
			dns["search"] = l
		case "sortlist":
			l := []any{}
			for _, s := range w[1:] {
				l = append(l, s)
			}
			dns["sortlist"] = l
		case "options":
			opts := map[string]any{}
			for _, o := range w[1:] {
				if k, v, ok := strings.Cut(o, ":"); ok {
					opts[k] = v
				} else {
					opts[o] = true
				}
			}
			dns["options"] = opts
		}
	}
	return dns
}

// sshHostKeyFacts gives ssh_host_key_TYPE_public (the key's base64) and
// its _keytype (the key's first word) for each readable public host key.
func sshHostKeyFacts(rec map[string]string) map[string]any {
	f := map[string]any{}
	for _, t := range []string{"dsa", "rsa", "ecdsa", "ed25519"} {
		w := strings.Fields(rec["ssh_"+t])
		if len(w) < 2 {
			continue
		}
		f["ssh_host_key_"+t+"_public"] = w[1]
		f["ssh_host_key_"+t+"_public_keytype"] = w[0]
	}
	return f
}

// loadavgFacts reads /proc/loadavg's three averages as floats.
func loadavgFacts(text string) map[string]any {
	w := strings.Fields(text)
	out := map[string]any{}
	for i, k := range []string{"1m", "5m", "15m"} {
		if i < len(w) {
			v, _ := strconv.ParseFloat(w[i], 64)
			out[k] = v
		}
	}
	return out
}

// isChroot compares the root's device and inode with init's root, as
// Ansible does; when init's root cannot be read, the root inode is
// compared with the file system's root inode number (256 on btrfs, 128
// on xfs, else 2).
func isChroot(rec map[string]string) bool {
	if _, ok := rec["debian_chroot"]; ok {
		return true
	}
	lines := strings.Split(strings.TrimSpace(rec["root_ids"]), "\n")
	if len(lines) == 2 {
		return lines[0] != lines[1]
	}
	rootIno := "2"
	switch fs := rec["root_fstype"]; {
	case strings.Contains(fs, "btrfs"):
		rootIno = "256"
	case strings.Contains(fs, "xfs"):
		rootIno = "128"
	}
	w := strings.Fields(lines[0])
	return len(w) == 2 && w[1] != rootIno
}
