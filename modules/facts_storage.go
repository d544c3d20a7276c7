package modules

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// sysfsValues reads the script's "sysfs" record: lines of PATH:VALUE.
func sysfsValues(text string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		if p, v, ok := strings.Cut(line, ":"); ok && strings.HasPrefix(p, "/") {
			if old, seen := out[p]; seen {
				v = old + "\n" + v
			}
			out[p] = v
		}
	}
	return out
}

// formFactors is Ansible's names for the SMBIOS chassis types.
var formFactors = []string{"Unknown", "Other", "Unknown", "Desktop",
	"Low Profile Desktop", "Pizza Box", "Mini Tower", "Tower",
	"Portable", "Laptop", "Notebook", "Hand Held", "Docking Station",
	"All In One", "Sub Notebook", "Space-saving", "Lunch Box",
	"Main Server Chassis", "Expansion Chassis", "Sub Chassis",
	"Bus Expansion Chassis", "Peripheral Chassis", "RAID Chassis",
	"Rack Mount Chassis", "Sealed-case PC", "Multi-system",
	"CompactPCI", "AdvancedTCA", "Blade", "Blade Enclosure",
	"Tablet", "Convertible", "Detachable", "IoT Gateway",
	"Embedded PC", "Mini PC", "Stick PC"}

// dmiFacts reads /sys/devices/virtual/dmi/id as Ansible does: "NA" for a
// field that cannot be read.
func dmiFacts(rec map[string]string, sysfs map[string]string) map[string]any {
	f := map[string]any{}
	for _, k := range []string{"bios_date", "bios_vendor", "bios_version", "board_asset_tag", "board_name",
		"board_serial", "board_vendor", "board_version", "chassis_asset_tag", "chassis_serial",
		"chassis_vendor", "chassis_version", "product_name", "product_serial", "product_uuid",
		"product_version"} {
		f[k] = dmiValue(sysfs, k)
	}
	f["system_vendor"] = dmiValue(sysfs, "sys_vendor")
	f["form_factor"] = "NA"
	if v, ok := sysfs["/sys/devices/virtual/dmi/id/chassis_type"]; ok {
		f["form_factor"] = "unknown (" + v + ")"
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 && n < len(formFactors) {
			f["form_factor"] = formFactors[n]
		}
	}
	return f
}

func dmiValue(sysfs map[string]string, name string) string {
	if v, ok := sysfs["/sys/devices/virtual/dmi/id/"+name]; ok {
		return strings.TrimSpace(v)
	}
	return "NA"
}

// mountFacts lists the mounts of real devices (a path, or host:/path for
// a network file system) with their sizes from `stat -f`, in
// /proc/mounts order, as Ansible's mount facts. /proc/mounts's octal
// escapes (\040 for a blank) are decoded; a mount point with a newline in
// its name is left out. A mount whose size query ran past gather_timeout
// (the statfs_timeout record) is listed last with Ansible's note and
// warning instead of its sizes, as Ansible lists mounts as their queries
// end.
func mountFacts(rec map[string]string) (mounts []any, warnings []string) {
	type stat struct{ bsize, frsize, blocks, bfree, bavail, files, ffree int }
	stats := map[string]stat{}
	// "NAME BSIZE FRSIZE BLOCKS BFREE BAVAIL FILES FFREE"; NAME may hold blanks.
	for _, line := range strings.Split(rec["statfs"], "\n") {
		w := strings.Split(line, " ")
		if len(w) < 8 {
			continue
		}
		nums := w[len(w)-7:]
		n := make([]int, 7)
		for i := range n {
			n[i] = atoi(nums[i])
		}
		stats[strings.Join(w[:len(w)-7], " ")] = stat{n[0], n[1], n[2], n[3], n[4], n[5], n[6]}
	}
	uuids := map[string]string{}
	for _, line := range strings.Split(rec["lsblk"], "\n") {
		if w := strings.Fields(line); len(w) == 2 {
			uuids[w[0]] = w[1]
		}
	}
	// findmnt shows a bind mount's source as DEVICE[/PATH].
	binds := map[string]bool{}
	for _, line := range strings.Split(rec["findmnt"], "\n") {
		if w := strings.Fields(line); len(w) >= 2 && strings.HasSuffix(w[1], "]") {
			binds[w[0]] = true
		}
	}
	// One entry per mount point, as Ansible keys them by mount point: the
	// first one's place, the last one's values.
	timedOut := map[string]bool{}
	for _, m := range strings.Split(rec["statfs_timeout"], "\n") {
		if m != "" {
			timedOut[m] = true
		}
	}
	mounts = []any{}
	var late []any
	index := map[string]int{}
	for _, line := range strings.Split(rec["mounts"], "\n") {
		w := strings.Fields(line)
		if len(w) < 4 {
			continue
		}
		dev, mnt, fstype, opts := octalUnescape(w[0]), octalUnescape(w[1]), octalUnescape(w[2]), octalUnescape(w[3])
		if (!strings.HasPrefix(dev, "/") && !strings.HasPrefix(dev, "\\") && !strings.Contains(dev, ":/")) || fstype == "none" {
			continue
		}
		if binds[mnt] && !strings.Contains(opts, "bind") {
			opts += ",bind"
		}
		if timedOut[mnt] {
			warnings = append(warnings, "Timeout exceeded when getting mount info for "+mnt)
			late = append(late, map[string]any{
				"mount": mnt, "device": dev, "fstype": fstype, "options": opts,
				"note": "Could not get extra information due to timeout",
			})
			continue
		}
		s, ok := stats[mnt]
		if !ok {
			continue
		}
		uuid := uuids[dev]
		if uuid == "" {
			uuid = "N/A"
		}
		m := map[string]any{
			"mount":           mnt,
			"device":          dev,
			"fstype":          fstype,
			"options":         opts,
			"uuid":            uuid,
			"size_total":      s.frsize * s.blocks,
			"size_available":  s.frsize * s.bavail,
			"block_size":      s.bsize,
			"block_total":     s.blocks,
			"block_available": s.bavail,
			"block_used":      s.blocks - s.bfree,
			"inode_total":     s.files,
			"inode_available": s.ffree,
			"inode_used":      s.files - s.ffree,
		}
		if i, ok := index[mnt]; ok {
			mounts[i] = m
			continue
		}
		index[mnt] = len(mounts)
		mounts = append(mounts, m)
	}
	return append(mounts, late...), warnings
}

// storageIDFacts gives the iSCSI initiator name, NVMe host NQN and Fibre
// Channel WWNs, empty when the host has none.
func storageIDFacts(rec map[string]string, sysfs map[string]string) map[string]any {
	iqn := ""
	for _, line := range strings.Split(rec["iscsi"], "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "InitiatorName="); ok {
			iqn = strings.TrimSpace(v)
		}
	}
	wwns := []any{}
	for p, v := range sysfs {
		if strings.HasPrefix(p, "/sys/class/fc_host/") && strings.HasSuffix(p, "/port_name") {
			wwns = append(wwns, strings.TrimPrefix(strings.TrimSpace(v), "0x"))
		}
	}
	sort.Slice(wwns, func(i, j int) bool { return wwns[i].(string) < wwns[j].(string) })
	return map[string]any{
		"iscsi_iqn":         iqn,
		"hostnqn":           strings.TrimSpace(rec["hostnqn"]),
		"fibre_channel_wwn": wwns,
	}
}

// uptimeSeconds is /proc/uptime's first number, truncated.
func uptimeSeconds(text string) int {
	w := strings.Fields(text)
	if len(w) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(w[0], 64)
	return int(v)
}

// lvmFacts is "N/A" unless vgs ran (as root), else the volume groups,
// logical and physical volumes from vgs, lvs and pvs, sizes in GB.
func lvmFacts(rec map[string]string) any {
	vgsOut, ok := rec["lvm_vgs"]
	if !ok {
		return "N/A"
	}
	rows := func(text string, min int) [][]string {
		var out [][]string
		for _, line := range strings.Split(text, "\n") {
			if items := strings.Split(strings.TrimSpace(line), ","); len(items) >= min {
				out = append(out, items)
			}
		}
		return out
	}
	vgs, lvs, pvs := map[string]any{}, map[string]any{}, map[string]any{}
	// VG #PV #LV #SN Attr VSize VFree
	for _, it := range rows(vgsOut, 4) {
		vgs[it[0]] = map[string]any{"size_g": it[len(it)-2], "free_g": it[len(it)-1], "num_lvs": it[2], "num_pvs": it[1]}
	}
	// LV VG Attr LSize ...
	for _, it := range rows(rec["lvm_lvs"], 4) {
		lvs[it[0]] = map[string]any{"size_g": it[3], "vg": it[1]}
	}
	// PV VG Fmt Attr PSize PFree
	for _, it := range rows(rec["lvm_pvs"], 6) {
		pvs[it[0]] = map[string]any{"size_g": it[4], "free_g": it[5], "vg": it[1]}
	}
	return map[string]any{"vgs": vgs, "lvs": lvs, "pvs": pvs}
}

var octalEscape = regexp.MustCompile(`\\[0-7]{3}`)

// octalUnescape decodes /proc/mounts's \NNN escapes, as Ansible does.
func octalUnescape(s string) string {
	return octalEscape.ReplaceAllStringFunc(s, func(m string) string {
		n, _ := strconv.ParseUint(m[1:], 8, 8)
		return string(rune(n))
	})
}
