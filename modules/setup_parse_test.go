package modules

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gansible/gansible/shell"
)

// TestSetupFactsFromRecords computes facts from a recorded script output
// of a made-up VM (testdata/setup/records_vm.txt) and checks the facts
// built from it, value by value.
func TestSetupFactsFromRecords(t *testing.T) {
	data, err := os.ReadFile("testdata/setup/records_vm.txt")
	if err != nil {
		t.Fatal(err)
	}
	groups, err := factGroups([]string{"all"})
	if err != nil {
		t.Fatal(err)
	}
	facts, _ := computeFacts(parseRecords(string(data)), groups)
	for _, tc := range []struct{ path, want string }{
		{"ansible_memory_mb", `{"nocache":{"free":1110,"used":890},"real":{"free":1000,"total":2000,"used":1000},"swap":{"cached":2,"free":512,"total":1024,"used":512}}`},
		{"ansible_cmdline", `{"BOOT_IMAGE":"/vmlinuz","console":"ttyS0,115200","quiet":true,"ro":true,"root":"/dev/sda1"}`},
		{"ansible_proc_cmdline.console", `["tty0","ttyS0,115200"]`},
		{"ansible_system_capabilities_enforced", `"False"`},
		{"ansible_system_capabilities", `[]`},
		{"ansible_dns", `{"nameservers":["192.0.2.53","192.0.2.54"],"options":{"edns0":true,"ndots":"2"},"search":["example.com","example.org"]}`},
		{"ansible_loadavg", `{"15m":2,"1m":0.5,"5m":1.25}`},
		{"ansible_uptime_seconds", `12345`},
		{"ansible_mounts", `[{"block_available":300,"block_size":4096,"block_total":1000,"block_used":600,"device":"/dev/sda1","fstype":"ext4","inode_available":200,"inode_total":500,"inode_used":300,"mount":"/","options":"rw,relatime","size_available":1228800,"size_total":4096000,"uuid":"1111-2222"},` +
			`{"block_available":5,"block_size":1048576,"block_total":10,"block_used":5,"device":"server:/export","fstype":"nfs4","inode_available":50,"inode_total":100,"inode_used":50,"mount":"/mnt/nfs","options":"rw,vers=4.2","size_available":5242880,"size_total":10485760,"uuid":"N/A"},` +
			`{"block_available":40,"block_size":512,"block_total":100,"block_used":50,"device":"/dev/sdc1","fstype":"vfat","inode_available":0,"inode_total":0,"inode_used":0,"mount":"/mnt/my disk","options":"rw","size_available":20480,"size_total":51200,"uuid":"N/A"},` +
			`{"block_available":300,"block_size":4096,"block_total":1000,"block_used":600,"device":"/dev/sda1","fstype":"ext4","inode_available":200,"inode_total":500,"inode_used":300,"mount":"/srv","options":"ro,relatime,bind","size_available":1228800,"size_total":4096000,"uuid":"1111-2222"}]`},
		{"ansible_eth0", `{"active":true,"device":"eth0",` +
			`"features":{"rx_checksumming":"on [fixed]","scatter_gather":"off","tx_checksum_ipv4":"off [fixed]","tx_checksumming":"on"},"hw_timestamp_filters":["none","all"],` +
			`"ipv4":{"address":"192.0.2.10","broadcast":"192.0.2.255","netmask":"255.255.255.0","network":"192.0.2.0","prefix":"24"},` +
			`"ipv4_secondaries":[{"address":"192.0.2.11","broadcast":"192.0.2.255","netmask":"255.255.255.0","network":"192.0.2.0","prefix":"24"}],` +
			`"ipv6":[{"address":"2001:db8::10","prefix":"64","scope":"global"},{"address":"fe80::1","prefix":"64","scope":"link"}],` +
			`"macaddress":"52:54:00:12:34:56","module":"virtio_net","mtu":1500,"pciid":"0000:00:03.0","phc_index":0,"promisc":true,"speed":1000,"timestamping":["tx_software","rx_software"],"type":"ether"}`},
		{"ansible_lo", `{"active":true,"device":"lo","ipv4":{"address":"127.0.0.1","broadcast":"","netmask":"255.0.0.0","network":"127.0.0.0","prefix":"8"},"ipv6":[{"address":"::1","prefix":"128","scope":"host"}],"mtu":65536,"promisc":false,"type":"loopback"}`},
		{"ansible_br_lan", `{"active":false,"device":"br-lan","id":"8000.525400abcdef","interfaces":["eth1","tap0"],"macaddress":"52:54:00:ab:cd:ef","mtu":1500,"promisc":false,"stp":false,"type":"bridge"}`},
		{"ansible_bond0", `{"all_slaves_active":false,"device":"bond0","lacp_rate":"slow","miimon":"100","mode":"active-backup","mtu":1500,"primary":"eth1","slaves":["eth1","eth2"],"type":"bonding"}`},
		{"ansible_eth1", `{"device":"eth1","perm_macaddress":"52:54:00:00:00:01","type":"ether"}`},
		{"ansible_tun0", `{"device":"tun0","type":"tunnel"}`},
		{"ansible_all_ipv6_addresses", `["2001:db8::10","fe80::1"]`},
		{"ansible_default_ipv6", `{"address":"2001:db8::10","gateway":"2001:db8::1","interface":"eth0","macaddress":"52:54:00:12:34:56","mtu":1500,"prefix":"64","scope":"global","type":"ether"}`},
		{"ansible_virtualization_type", `"kvm"`},
		{"ansible_virtualization_role", `"guest"`},
		{"ansible_virtualization_tech_guest", `["kvm"]`},
		{"ansible_virtualization_tech_host", `["kvm"]`},
		{"ansible_form_factor", `"Other"`},
		{"ansible_bios_vendor", `"NA"`},
		{"ansible_product_name", `"KVM"`},
		{"ansible_lvm", `"N/A"`},
		{"ansible_device_links", `{"ids":{"sda":["ata-QEMU_HARDDISK_QM00001","wwn-0x5000c500a1b2c3d4"]},"labels":{},"masters":{"sda1":["dm-0"]},"uuids":{"sda1":["1111-2222"]}}`},
		{"ansible_devices.sda", `{"holders":[],"host":"","links":{"ids":["ata-QEMU_HARDDISK_QM00001","wwn-0x5000c500a1b2c3d4"],"labels":[],"masters":[],"uuids":[]},"model":"QEMU HARDDISK",` +
			`"partitions":{"sda1":{"holders":["vg0-root"],"links":{"ids":[],"labels":[],"masters":["dm-0"],"uuids":["1111-2222"]},"sectors":"2097152","sectorsize":512,"size":"1.00 GB","start":"2048","uuid":"1111-2222"}},` +
			`"removable":"0","rotational":"1","sas_address":null,"sas_device_handle":null,"scheduler_mode":"mq-deadline","sectors":"41943040","sectorsize":"512","size":"20.00 GB","support_discard":null,"vendor":"ATA","virtual":1,"wwn":"0x5000c500a1b2c3d4"}`},
	} {
		var v any = facts
		for _, k := range strings.Split(tc.path, ".") {
			m, _ := v.(map[string]any)
			v = m[k]
		}
		got, _ := json.Marshal(v)
		if string(got) != tc.want {
			t.Errorf("%s = %s\nwant %s", tc.path, got, tc.want)
		}
	}
}

func TestIsChroot(t *testing.T) {
	for _, tc := range []struct {
		rec  map[string]string
		want bool
	}{
		{map[string]string{"root_ids": "2049 2\n2049 2"}, false},
		{map[string]string{"root_ids": "2049 5123\n2049 2"}, true},
		{map[string]string{"root_ids": "2050 2\n2049 2"}, true},
		{map[string]string{"root_ids": "2049 2"}, false},
		{map[string]string{"root_ids": "2049 256", "root_fstype": "btrfs"}, false},
		{map[string]string{"root_ids": "2049 2", "root_fstype": "xfs"}, true},
		{map[string]string{"root_ids": "2049 2\n2049 2", "debian_chroot": "sid"}, true},
	} {
		if got := isChroot(tc.rec); got != tc.want {
			t.Errorf("isChroot(%q) = %v, want %v", tc.rec, got, tc.want)
		}
	}
}

func TestBytesToHuman(t *testing.T) {
	for _, tc := range []struct {
		size float64
		want string
	}{{0, "0.00 Bytes"}, {1023, "1023.00 Bytes"}, {1024, "1.00 KB"}, {1536 << 20, "1.50 GB"}, {256 << 30, "256.00 GB"}} {
		if got := bytesToHuman(tc.size); got != tc.want {
			t.Errorf("bytesToHuman(%v) = %q, want %q", tc.size, got, tc.want)
		}
	}
}

// TestSetupScriptMountTimeout runs the fact script on this machine with a
// stat that hangs on one mount point, as a dead network mount does: that
// mount must be listed last with Ansible's note and warning, and the
// others with their sizes.
func TestSetupScriptMountTimeout(t *testing.T) {
	if _, err := exec.LookPath("timeout"); err != nil {
		t.Skip("no timeout(1) here")
	}
	mounts, _ := computeFacts(parseRecords(runSetupScript(t, "", 10)), map[string]bool{"hardware": true})
	list, _ := mounts["ansible_mounts"].([]any)
	if len(list) == 0 {
		t.Skip("this machine has no mount that Ansible reports")
	}
	hang := list[0].(map[string]any)["mount"].(string)

	bin := t.TempDir()
	stat, err := exec.LookPath("stat")
	if err != nil {
		t.Fatal(err)
	}
	// Only the size query hangs (stat -f -c '|%n ...'), not the script's
	// other stat -f calls.
	fake := "#!/bin/sh\ncase $3 in '|'*) for a do [ \"$a\" = " + shell.Quote(hang) + " ] && exec sleep 30; done ;; esac\nexec " + shell.Quote(stat) + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "stat"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	facts, warnings := computeFacts(parseRecords(runSetupScript(t, bin, 1)), map[string]bool{"hardware": true})
	got, _ := facts["ansible_mounts"].([]any)
	if len(got) != len(list) {
		t.Fatalf("%d mounts, want %d: %v", len(got), len(list), got)
	}
	last := got[len(got)-1].(map[string]any)
	if last["mount"] != hang || last["note"] != "Could not get extra information due to timeout" || last["size_total"] != nil {
		t.Errorf("timed-out mount: %v", last)
	}
	for _, m := range got[:len(got)-1] {
		if m.(map[string]any)["size_total"] == nil {
			t.Errorf("mount without sizes: %v", m)
		}
	}
	if want := []string{"Timeout exceeded when getting mount info for " + hang}; !slices.Equal(warnings, want) {
		t.Errorf("warnings %q, want %q", warnings, want)
	}
}

// runSetupScript runs the fact script with sh on this machine, with bin
// (if set) first on PATH, and returns its records.
func runSetupScript(t *testing.T, bin string, timeout int) string {
	t.Helper()
	cmd := exec.Command("sh", "-c", recordFuncs+"fact_path=/nonexistent\ngather_timeout="+strconv.Itoa(timeout)+"\n"+setupScript)
	if bin != "" {
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fact script: %v", err)
	}
	return string(out)
}
