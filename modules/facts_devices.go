package modules

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// deviceLinks reads the /dev/disk links (`ls -l` of by-id, by-uuid,
// by-label) and /sys/block/*/slaves into Ansible's device_links: for each
// kind, the device a link points to and the sorted link names.
func deviceLinks(rec map[string]string) map[string]any {
	links := map[string]any{}
	for _, kind := range []string{"ids", "uuids", "labels"} {
		byDev := map[string][]string{}
		for _, line := range strings.Split(rec["disklinks:"+kind], "\n") {
			w := strings.Fields(line)
			if n := len(w); n >= 3 && w[n-2] == "->" {
				dev := path.Base(w[n-1])
				byDev[dev] = append(byDev[dev], w[n-3])
			}
		}
		links[kind] = sortedLists(byDev)
	}
	masters := map[string][]string{}
	// /sys/block/DEVICE/slaves/TARGET
	for _, p := range strings.Fields(rec["slaves"]) {
		if e := strings.Split(p, "/"); len(e) == 6 {
			masters[e[5]] = append(masters[e[5]], e[3])
		}
	}
	links["masters"] = sortedLists(masters)
	return links
}

func sortedLists(m map[string][]string) map[string]any {
	out := map[string]any{}
	for k, l := range m {
		sort.Strings(l)
		v := make([]any, len(l))
		for i, s := range l {
			v[i] = s
		}
		out[k] = v
	}
	return out
}

// deviceFacts builds Ansible's devices: one dict per /sys/block entry,
// its string values as sysfs has them (null where a file is missing).
// The PCI host name (from lspci) and sg_inq's serial are not gathered:
// host is "" and the serial is sysfs's.
func deviceFacts(rec map[string]string, links map[string]any) map[string]any {
	fs := sysfsValues(rec["blockfs"])
	file := func(p string) any {
		if v, ok := fs[p]; ok {
			return strings.TrimSpace(v)
		}
		return nil
	}
	linksOf := func(name string) map[string]any {
		out := map[string]any{}
		for kind, m := range links {
			l, ok := m.(map[string]any)[name]
			if !ok {
				l = []any{}
			}
			out[kind] = l
		}
		return out
	}
	wwns := map[string]string{}
	for _, line := range strings.Split(rec["disklinks:ids"], "\n") {
		w := strings.Fields(line)
		if n := len(w); n >= 3 && w[n-2] == "->" && strings.HasPrefix(w[n-3], "wwn-") {
			wwns[path.Base(w[n-1])] = strings.TrimPrefix(w[n-3], "wwn-")
		}
	}
	uuidOf := func(name string) any {
		l, _ := links["uuids"].(map[string]any)[name].([]any)
		if len(l) == 0 {
			return nil
		}
		return l[0]
	}
	sectorSize := func(dir string) any {
		if v := file(dir + "/queue/logical_block_size"); v != nil && v != "" {
			return v
		}
		if v := file(dir + "/queue/hw_sector_size"); v != nil && v != "" {
			return v
		}
		return 512
	}

	devices := map[string]any{}
	for key, text := range rec {
		name, ok := strings.CutPrefix(key, "block:")
		if !ok {
			continue
		}
		lines := strings.Split(text, "\n")
		dir := "/sys/block/" + name
		virtual := 1
		if lines[0] == "" { // not a link: a real device has a device entry
			for _, e := range lines[1:] {
				if strings.Contains(e, "device") {
					virtual = 0
				}
			}
		}
		d := map[string]any{
			"virtual":           virtual,
			"links":             linksOf(name),
			"vendor":            file(dir + "/device/vendor"),
			"model":             file(dir + "/device/model"),
			"sas_address":       file(dir + "/device/sas_address"),
			"sas_device_handle": file(dir + "/device/sas_device_handle"),
			"removable":         file(dir + "/removable"),
			"support_discard":   file(dir + "/queue/discard_granularity"),
			"rotational":        file(dir + "/queue/rotational"),
			"scheduler_mode":    "",
			"sectorsize":        sectorSize(dir),
			"host":              "",
			"holders":           holders(rec, fs, name),
		}
		if s, ok := file(dir + "/device/serial").(string); ok && s != "" {
			d["serial"] = s
		}
		if w, ok := wwns[name]; ok {
			d["wwn"] = w
		}
		if s, ok := file(dir + "/queue/scheduler").(string); ok {
			if m := regexp.MustCompile(`\[(.*)\]`).FindStringSubmatch(s); m != nil {
				d["scheduler_mode"] = m[1]
			}
		}
		sectors := file(dir + "/size")
		if sectors == nil || sectors == "" {
			sectors = 0
		}
		d["sectors"] = sectors
		d["size"] = bytesToHuman(float64(atoi(fmt.Sprint(sectors))) * 512)

		parts := map[string]any{}
		partRe := regexp.MustCompile("^(" + regexp.QuoteMeta(name) + `p?\d+)`)
		for _, e := range lines[1:] {
			m := partRe.FindStringSubmatch(e)
			if m == nil {
				continue
			}
			pn, pdir := m[1], dir+"/"+m[1]
			start, size := file(pdir+"/start"), file(pdir+"/size")
			if start == nil {
				start = 0
			}
			if size == nil {
				size = 0
			}
			parts[pn] = map[string]any{
				"links":      linksOf(pn),
				"start":      start,
				"sectors":    size,
				"sectorsize": sectorSize(pdir),
				"size":       bytesToHuman(float64(atoi(fmt.Sprint(size))) * 512),
				"uuid":       uuidOf(pn),
				"holders":    holders(rec, fs, pn),
			}
		}
		d["partitions"] = parts
		devices[name] = d
	}
	return devices
}

// holders lists a device's holders, a device-mapper holder by its name.
// blockfs is the parsed blockfs record, parsed once for all devices.
func holders(rec map[string]string, blockfs map[string]string, name string) []any {
	fs := blockfs
	out := []any{}
	for _, h := range strings.Fields(rec["holders:"+name]) {
		if dm, ok := fs["/sys/block/"+h+"/dm/name"]; ok && strings.TrimSpace(dm) != "" {
			out = append(out, strings.TrimSpace(dm))
		} else {
			out = append(out, h)
		}
	}
	return out
}

// bytesToHuman formats a size as Ansible's bytes_to_human: two decimals
// and the largest unit not above it, "Bytes" below a KB.
func bytesToHuman(size float64) string {
	units := []struct {
		suffix string
		limit  float64
	}{{"YB", 1 << 80}, {"ZB", 1 << 70}, {"EB", 1 << 60}, {"PB", 1 << 50}, {"TB", 1 << 40},
		{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}}
	for _, u := range units {
		if size >= u.limit {
			return fmt.Sprintf("%.2f %s", size/u.limit, u.suffix)
		}
	}
	return fmt.Sprintf("%.2f Bytes", size)
}
