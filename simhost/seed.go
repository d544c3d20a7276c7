package simhost

import (
	"io/fs"
	"path"
	"sort"
)

// seedFiles are the files every simulated host starts with: a minimal
// Linux layout that names root and nobody.
var seedFiles = map[string]string{
	"/etc/passwd":     "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
	"/etc/group":      "root:x:0:\nnogroup:x:65534:\n",
	"/etc/os-release": "NAME=\"gansible simulated host\"\nID=gansible-sim\nVERSION_ID=1\nPRETTY_NAME=\"gansible simulated host\"\n",
}

var seedDirs = []string{"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/etc", "/root", "/var", "/var/tmp", "/opt", "/srv", "/home"}

// seed lays out the seed filesystem, with an executable stand-in in
// /usr/bin for every modelled command, so that PATH lookups find them.
func (m *memFS) seed(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range seedDirs {
		m.mkdirAll(d, 0o755)
	}
	m.mkdirAll("/tmp", fs.ModeSticky|0o777)
	for p, content := range seedFiles {
		m.writeFile(p, []byte(content), 0o644)
	}
	m.writeFile("/etc/hostname", []byte(name+"\n"), 0o644)
	names := make([]string, 0, len(commands))
	for c := range commands {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		m.writeFile("/usr/bin/"+c, nil, 0o755)
	}
}

// mkdirAll makes p and its parents; the caller holds m.mu.
func (m *memFS) mkdirAll(p string, mode fs.FileMode) {
	if p == "/" {
		return
	}
	if _, ok := m.nodes[p]; ok {
		return
	}
	m.mkdirAll(path.Dir(p), 0o755)
	n := m.newNode(fs.ModeDir | mode)
	m.nodes[p] = n
}

// writeFile sets p's content, making it when missing; the caller holds
// m.mu.
func (m *memFS) writeFile(p string, data []byte, perm fs.FileMode) {
	n, ok := m.nodes[p]
	if !ok {
		m.mkdirAll(path.Dir(p), 0o755)
		n = m.newNode(perm)
		m.nodes[p] = n
	}
	n.data = data
}
