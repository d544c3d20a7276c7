package modules

import (
	"path"
	"regexp"
	"strconv"
	"strings"
)

// interfaceTypes is Ansible's names for the ARPHRD numbers in sysfs's type.
var interfaceTypes = map[string]string{"1": "ether", "32": "infiniband", "512": "ppp", "772": "loopback", "65534": "tunnel"}

// interfaceFacts builds Ansible's per-interface dicts (ansible_eth0, ...)
// from sysfs and `ip -o addr`: device, macaddress, mtu, active, type,
// promisc, speed, module and pciid where sysfs has them, a bridge's or
// bond's settings and members, ipv4 (the first address; more in
// ipv4_secondaries), ipv6, and where ethtool is installed its features
// and timestamping. The keys are the names with "-" made "_", as in
// ansible_interfaces.
func interfaceFacts(rec map[string]string, sysfs map[string]string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, name := range strings.Fields(rec["interfaces"]) {
		dir := "/sys/class/net/" + name + "/"
		d := map[string]any{"device": name}
		if mac := strings.TrimSpace(sysfs[dir+"address"]); mac != "" && mac != "00:00:00:00:00:00" {
			d["macaddress"] = mac
		}
		if v, ok := sysfs[dir+"mtu"]; ok {
			d["mtu"] = atoi(v)
		}
		if v, ok := sysfs[dir+"operstate"]; ok {
			d["active"] = strings.TrimSpace(v) != "down"
		}
		if link, ok := rec["pciid:"+name]; ok {
			d["pciid"] = path.Base(strings.TrimSpace(link))
		}
		if v, ok := sysfs[dir+"speed"]; ok {
			d["speed"] = atoi(v)
		}
		if link, ok := rec["netmodule:"+name]; ok {
			d["module"] = path.Base(strings.TrimSpace(link))
		}
		if v, ok := sysfs[dir+"type"]; ok {
			d["type"] = "unknown"
			if t, ok := interfaceTypes[strings.TrimSpace(v)]; ok {
				d["type"] = t
			}
		}
		if members, ok := rec["bridge:"+name]; ok {
			d["type"] = "bridge"
			l := []any{}
			for _, m := range strings.Fields(members) {
				l = append(l, m)
			}
			d["interfaces"] = l
			if v, ok := sysfs[dir+"bridge/bridge_id"]; ok {
				d["id"] = strings.TrimSpace(v)
			}
			if v, ok := sysfs[dir+"bridge/stp_state"]; ok {
				d["stp"] = strings.TrimSpace(v) == "1"
			}
		}
		if _, ok := rec["bonding:"+name]; ok {
			d["type"] = "bonding"
			slaves := []any{}
			for _, s := range strings.Fields(sysfs[dir+"bonding/slaves"]) {
				slaves = append(slaves, s)
			}
			d["slaves"] = slaves
			first := func(f string) string {
				if w := strings.Fields(sysfs[dir+"bonding/"+f]); len(w) > 0 {
					return w[0]
				}
				return ""
			}
			d["mode"], d["miimon"], d["lacp_rate"] = first("mode"), first("miimon"), first("lacp_rate")
			if p := strings.TrimSpace(sysfs[dir+"bonding/primary"]); p != "" {
				d["primary"] = p
				if v, ok := sysfs[dir+"bonding/all_slaves_active"]; ok {
					d["all_slaves_active"] = strings.TrimSpace(v) == "1"
				}
			}
		}
		if _, ok := rec["bonding_slave:"+name]; ok {
			d["perm_macaddress"] = strings.TrimSpace(sysfs[dir+"bonding_slave/perm_hwaddr"])
		}
		for k, v := range ethtoolFacts(rec, name) {
			d[k] = v
		}
		if v, ok := sysfs[dir+"flags"]; ok {
			flags, _ := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(v), "0x"), 16, 64)
			d["promisc"] = flags&0x100 != 0
		}
		out[name] = d
	}

	// "2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\ ..."
	for _, line := range strings.Split(rec["addrs"], "\n") {
		w := strings.Fields(line)
		if len(w) < 4 || w[2] != "inet" {
			continue
		}
		d := out[w[1]]
		if d == nil {
			continue
		}
		addr, prefix, _ := strings.Cut(w[3], "/")
		if prefix == "" {
			prefix = "32"
		}
		mask, network := ipv4Mask(addr, prefix)
		v4 := map[string]any{"address": addr, "broadcast": "", "netmask": mask, "network": network, "prefix": prefix}
		for i := 4; i+1 < len(w); i++ {
			if w[i] == "brd" {
				v4["broadcast"] = w[i+1]
			}
		}
		if _, ok := d["ipv4"]; !ok {
			d["ipv4"] = v4
		} else {
			l, _ := d["ipv4_secondaries"].([]any)
			d["ipv4_secondaries"] = append(l, v4)
		}
	}
	// "2: eth0    inet6 fd00::2/64 scope global \ ..."
	for _, line := range strings.Split(rec["addrs6"], "\n") {
		w := strings.Fields(line)
		if len(w) < 4 || w[2] != "inet6" {
			continue
		}
		d := out[w[1]]
		if d == nil {
			continue
		}
		addr, prefix, _ := strings.Cut(w[3], "/")
		v6 := map[string]any{"address": addr, "prefix": prefix, "scope": ""}
		for i := 4; i+1 < len(w); i++ {
			if w[i] == "scope" {
				v6["scope"] = w[i+1]
			}
		}
		l, _ := d["ipv6"].([]any)
		d["ipv6"] = append(l, v6)
	}
	return out
}

// ipv6Facts gives all_ipv6_addresses (all but ::1) and default_ipv6 from
// `ip -6 route get`, completed from the interface's facts.
func ipv6Facts(rec map[string]string, ifaces map[string]map[string]any) map[string]any {
	all := []any{}
	for _, line := range strings.Split(rec["addrs6"], "\n") {
		w := strings.Fields(line)
		if len(w) < 4 || w[2] != "inet6" {
			continue
		}
		if addr, _, _ := strings.Cut(w[3], "/"); addr != "::1" {
			all = append(all, addr)
		}
	}
	def := map[string]any{}
	// "2404:... from :: via fd00::1 dev eth0 proto static src fd00::2 metric 1024 pref medium"
	w := strings.Fields(strings.SplitN(rec["route6"], "\n", 2)[0])
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
		if d := ifaces[iface]; d != nil {
			for _, k := range []string{"macaddress", "mtu", "type"} {
				if v, ok := d[k]; ok {
					def[k] = v
				}
			}
			l, _ := d["ipv6"].([]any)
			for _, e := range l {
				if a := e.(map[string]any); a["address"] == def["address"] {
					def["prefix"], def["scope"] = a["prefix"], a["scope"]
				}
			}
		}
	}
	return map[string]any{"all_ipv6_addresses": all, "default_ipv6": def}
}

// ethtoolFacts reads `ethtool -k` (features) and `ethtool -T`
// (timestamping, hw_timestamp_filters, phc_index) as Ansible does; each
// is absent when its ethtool command failed or ethtool is missing.
func ethtoolFacts(rec map[string]string, name string) map[string]any {
	f := map[string]any{}
	if out, ok := rec["ethtool_k:"+name]; ok {
		features := map[string]any{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" || strings.HasSuffix(line, ":") {
				continue
			}
			k, v, ok := strings.Cut(line, ": ")
			if !ok || strings.TrimSpace(v) == "" {
				continue
			}
			features[strings.ReplaceAll(strings.TrimSpace(k), "-", "_")] = strings.TrimSpace(v)
		}
		f["features"] = features
	}
	if out, ok := rec["ethtool_t:"+name]; ok {
		lower := func(re string) []any {
			l := []any{}
			for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(out, -1) {
				l = append(l, strings.ToLower(m[1]))
			}
			return l
		}
		f["timestamping"] = lower(`SOF_TIMESTAMPING_(\w+)`)
		f["hw_timestamp_filters"] = lower(`HWTSTAMP_FILTER_(\w+)`)
		if m := regexp.MustCompile(`PTP Hardware Clock: (\d+)`).FindStringSubmatch(out); m != nil {
			f["phc_index"] = atoi(m[1])
		}
	}
	return f
}
