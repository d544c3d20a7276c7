package modules

import (
	"fmt"
	"strings"
	"time"

	"github.com/gansible/gansible/shlex"
)

// hardwareFacts computes memory and processor facts from /proc.
func hardwareFacts(rec map[string]string) map[string]any {
	f := map[string]any{}
	mem := map[string]int{} // kB
	for _, line := range strings.Split(rec["meminfo"], "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		mem[k] = atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
	}
	mb := func(kb int) int { return kb / 1024 }
	f["memtotal_mb"] = mb(mem["MemTotal"])
	f["memfree_mb"] = mb(mem["MemFree"])
	f["swaptotal_mb"] = mb(mem["SwapTotal"])
	f["swapfree_mb"] = mb(mem["SwapFree"])
	// As Ansible, differences are taken in kB before the conversion, and
	// "nocache" counts buffers and page cache as free.
	nocacheFree := mem["MemFree"] + mem["Buffers"] + mem["Cached"]
	f["memory_mb"] = map[string]any{
		"real":    map[string]any{"total": mb(mem["MemTotal"]), "used": mb(mem["MemTotal"] - mem["MemFree"]), "free": mb(mem["MemFree"])},
		"nocache": map[string]any{"free": mb(nocacheFree), "used": mb(mem["MemTotal"] - nocacheFree)},
		"swap": map[string]any{"total": mb(mem["SwapTotal"]), "free": mb(mem["SwapFree"]),
			"used": mb(mem["SwapTotal"] - mem["SwapFree"]), "cached": mb(mem["SwapCached"])},
	}

	// As Ansible's Linux hardware facts: sockets from "physical id", cores
	// per socket from "cpu cores", threads from "siblings".
	var (
		processors, cores, siblings int
		sockets                     = map[string]bool{}
		models                      []any
	)
	for _, line := range strings.Split(rec["cpuinfo"], "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "processor":
			models = append(models, v)
			processors++
		case "vendor_id", "model name":
			models = append(models, v)
		case "physical id":
			sockets[v] = true
		case "cpu cores":
			cores = atoi(v)
		case "siblings":
			siblings = atoi(v)
		}
	}
	count := len(sockets)
	if count == 0 {
		count = processors
	}
	if cores == 0 {
		cores = 1
	}
	threads := 1
	if siblings > 0 {
		threads = siblings / cores
	}
	if len(sockets) == 0 {
		cores, threads = 1, 1
	}
	f["processor"] = models
	f["processor_count"] = count
	f["processor_cores"] = cores
	f["processor_threads_per_core"] = threads
	f["processor_vcpus"] = threads * count * cores
	f["processor_nproc"] = atoi(rec["nproc"])
	return f
}

// networkFacts computes interfaces, all_ipv4_addresses and default_ipv4
// from `ip` output.
func networkFacts(rec map[string]string) map[string]any {
	f := map[string]any{}
	ifaces := []any{}
	for _, name := range strings.Fields(rec["interfaces"]) {
		ifaces = append(ifaces, strings.ReplaceAll(name, "-", "_"))
	}
	f["interfaces"] = ifaces

	type ipv4 struct{ iface, address, prefix, broadcast string }
	var addrs []ipv4
	all := []any{}
	// "2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\ ..."
	for _, line := range strings.Split(rec["addrs"], "\n") {
		w := strings.Fields(line)
		if len(w) < 4 || w[2] != "inet" {
			continue
		}
		a := ipv4{iface: w[1]}
		a.address, a.prefix, _ = strings.Cut(w[3], "/")
		for i := 4; i+1 < len(w); i++ {
			if w[i] == "brd" {
				a.broadcast = w[i+1]
			}
		}
		addrs = append(addrs, a)
		if !strings.HasPrefix(a.address, "127.") {
			all = append(all, a.address)
		}
	}
	f["all_ipv4_addresses"] = all

	// "8.8.8.8 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0"
	def := map[string]any{}
	w := strings.Fields(strings.SplitN(rec["route"], "\n", 2)[0])
	for i := 0; i+1 < len(w); i++ {
		switch w[i] {
		case "via":
			def["gateway"] = w[i+1]
		case "dev":
			def["interface"] = w[i+1]
		case "src":
			def["address"] = w[i+1]
		}
	}
	if iface, ok := def["interface"].(string); ok {
		def["alias"] = iface
		for _, a := range addrs {
			if a.iface == iface && a.address == def["address"] {
				def["prefix"] = a.prefix
				if a.broadcast != "" {
					def["broadcast"] = a.broadcast
				}
				mask, network := ipv4Mask(a.address, a.prefix)
				def["netmask"], def["network"] = mask, network
			}
		}
		for k, v := range linkFacts(rec["links"], iface) {
			def[k] = v
		}
	}
	f["default_ipv4"] = def
	return f
}

// linkFacts reads an interface's macaddress, mtu and type from `ip -o link`.
func linkFacts(links, iface string) map[string]any {
	f := map[string]any{}
	for _, line := range strings.Split(links, "\n") {
		w := strings.Fields(line)
		if len(w) < 2 || strings.TrimSuffix(strings.SplitN(w[1], "@", 2)[0], ":") != iface {
			continue
		}
		for i := 2; i+1 < len(w); i++ {
			switch {
			case w[i] == "mtu":
				f["mtu"] = atoi(w[i+1])
			case strings.HasPrefix(w[i], "link/"):
				kind := strings.TrimPrefix(w[i], "link/")
				if kind == "ether" {
					f["macaddress"] = w[i+1]
				}
				if kind == "loopback" {
					kind = "loopback"
				}
				f["type"] = kind
			}
		}
	}
	return f
}

// ipv4Mask returns the dotted netmask and network address of addr/prefix.
func ipv4Mask(addr, prefix string) (string, string) {
	var a [4]int
	if _, err := fmt.Sscanf(addr, "%d.%d.%d.%d", &a[0], &a[1], &a[2], &a[3]); err != nil {
		return "", ""
	}
	bits := atoi(prefix)
	mask := uint32(0xffffffff) << (32 - uint(bits))
	if bits == 0 {
		mask = 0
	}
	ip := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	dotted := func(v uint32) string {
		return fmt.Sprintf("%d.%d.%d.%d", v>>24, v>>16&255, v>>8&255, v&255)
	}
	return dotted(mask), dotted(ip & mask)
}

// userFacts describes the user the facts were gathered as.
func userFacts(rec map[string]string) map[string]any {
	f := map[string]any{
		"user_id":  rec["user_id"],
		"user_uid": atoi(rec["user_uid"]),
		"user_gid": atoi(rec["user_gid"]),
	}
	// name:x:uid:gid:gecos:dir:shell
	if p := strings.Split(strings.SplitN(rec["passwd"], "\n", 2)[0], ":"); len(p) == 7 {
		f["user_gecos"] = p[4]
		f["user_dir"] = p[5]
		f["user_shell"] = p[6]
	}
	return f
}

// envFacts reads `export -p`: lines of `export NAME='value'` (or
// NAME="value"), values possibly spanning lines.
func envFacts(exports string) map[string]any {
	env := map[string]any{}
	words, err := shlex.Split(exports)
	if err != nil {
		return env
	}
	for _, w := range words {
		if k, v, ok := strings.Cut(w, "="); ok && k != "" {
			env[k] = v
		}
	}
	return env
}

// dateTimeFacts builds date_time from `date '+%s %N %z %Z %A %w %W'`.
func dateTimeFacts(out string) map[string]any {
	w := strings.Fields(out)
	if len(w) < 7 {
		return map[string]any{}
	}
	epoch := atoi(w[0])
	ns := atoi(w[1])
	offset := 0
	if z := w[2]; len(z) == 5 {
		offset = (atoi(z[1:3])*60 + atoi(z[3:5])) * 60
		if z[0] == '-' {
			offset = -offset
		}
	}
	utc := time.Unix(int64(epoch), int64(ns)).UTC()
	local := utc.In(time.FixedZone(w[3], offset))
	micro := fmt.Sprintf("%06d", local.Nanosecond()/1000)
	return map[string]any{
		"year":                local.Format("2006"),
		"month":               local.Format("01"),
		"weekday":             w[4],
		"weekday_number":      w[5],
		"weeknumber":          w[6],
		"day":                 local.Format("02"),
		"hour":                local.Format("15"),
		"minute":              local.Format("04"),
		"second":              local.Format("05"),
		"epoch":               w[0],
		"epoch_int":           w[0],
		"date":                local.Format("2006-01-02"),
		"time":                local.Format("15:04:05"),
		"iso8601_micro":       utc.Format("2006-01-02T15:04:05.") + fmt.Sprintf("%06d", utc.Nanosecond()/1000) + "Z",
		"iso8601":             utc.Format("2006-01-02T15:04:05Z"),
		"iso8601_basic":       local.Format("20060102T150405") + micro,
		"iso8601_basic_short": local.Format("20060102T150405"),
		"tz":                  w[3],
		"tz_dst":              w[3],
		"tz_offset":           w[2],
	}
}
