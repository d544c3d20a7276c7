package testcluster

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The mesos-hdfs-ansible repo: it follows the mesos repo, creating an
// hdfs user and unpacking a Hadoop release on the same hosts. Its large
// or secret inputs are gitignored; the tests build small reproducible
// stand-ins of them, as for the mesos repo.

// HDFSRepo is the hdfs playbook repo the tests run, unless
// GANSIBLE_HDFS_REPO names another copy.
func HDFSRepo() string {
	if dir := os.Getenv("GANSIBLE_HDFS_REPO"); dir != "" {
		return dir
	}
	return "/work/shared/mesos-hdfs-ansible"
}

// File names of the hdfs repo's stand-ins, as its tasks name them.
const (
	HadoopTGZ      = "hadoop-2.5.0-cdh5.2.0.tar.gz"
	HadoopMesosJar = "hadoop-mesos-0.0.8.jar"
	// HDFSKey and HDFSPubKey are the hdfs user's key pair that
	// useradd_hdfs_local.yml would generate on the control host. The
	// stand-in is an ed25519 pair from a fixed seed under the repo's
	// names.
	HDFSKey    = "id_rsa"
	HDFSPubKey = "id_rsa.pub"
)

// hdfsStandins are the stand-ins, by file name.
func hdfsStandins() (map[string][]byte, error) {
	tgz, err := hadoopTarball()
	if err != nil {
		return nil, err
	}
	priv, pub := hdfsKeyPair()
	return map[string][]byte{
		HadoopTGZ:      tgz,
		HadoopMesosJar: []byte("hadoop-mesos 0.0.8 stand-in (gansible tests)\n"),
		HDFSKey:        priv,
		HDFSPubKey:     pub,
	}, nil
}

// BuildHDFSStandins writes the hdfs repo's stand-ins into dir; every build
// is byte-identical.
func BuildHDFSStandins(dir string) error {
	files, err := hdfsStandins()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range files {
		mode := os.FileMode(0o644)
		if name == HDFSKey {
			mode = 0o600
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, mode); err != nil {
			return err
		}
	}
	return nil
}

// PrepareHDFSRepo copies the hdfs repo src (without .git) to dst and puts
// the stand-ins of standinDir into roles/hadoop_dfs/files. With forAnsible
// it also makes the edits ansible-core 2.14 needs, the same as for the
// mesos repo: "- include:" of a playbook becomes "- import_playbook:" and
// the play keyword "sudo:" becomes "become:". And one more: the role's
// two loops over a bare variable name ("with_items: nn_data_dir"), which
// gansible runs over the variable's list as Ansible 1.x did while
// ansible-core 2.14 loops over the literal name, get the variable in
// braces (the adaptation of difftest's loops_legacy_bare case).
func PrepareHDFSRepo(src, dst, standinDir string, forAnsible bool) error {
	if err := copyTree(src, dst); err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	files := filepath.Join(dst, "roles", "hadoop_dfs", "files")
	for _, name := range []string{HadoopTGZ, HadoopMesosJar, HDFSKey, HDFSPubKey} {
		if err := copyFile(filepath.Join(standinDir, name), filepath.Join(files, name)); err != nil {
			return fmt.Errorf("stand-in %s (BuildHDFSStandins first): %w", name, err)
		}
	}
	if !forAnsible {
		return nil
	}
	edits := []struct {
		file string
		re   *regexp.Regexp
		repl string
	}{
		{"site.yml", includeLine, "${1}import_playbook:"},
		{"cluster.yml", sudoLine, "${1}become:"},
		{"useradd_hdfs_local.yml", sudoLine, "${1}become:"},
		{"roles/hadoop_dfs/tasks/main.yml", bareItemsLoop, `${1} "{{ ${2} }}"`},
	}
	for _, e := range edits {
		if err := adaptFile(filepath.Join(dst, e.file), e.re, e.repl); err != nil {
			return err
		}
	}
	return nil
}

// bareItemsLoop is with_items followed by a bare variable name on the
// next line, as the hdfs role writes it.
var bareItemsLoop = regexp.MustCompile(`(?m)^([ \t]*with_items:)[ \t]*\n[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*$`)

func adaptFile(path string, re *regexp.Regexp, repl string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !re.Match(b) {
		return fmt.Errorf("%s: nothing to adapt", path)
	}
	return os.WriteFile(path, re.ReplaceAll(b, []byte(repl)), 0o644)
}

// hadoopTarball is a tiny CDH 5.2.0 layout with what the repo's tasks
// move, link, copy and delete: bin and examples of MapReduce 2 beside
// bin-mapreduce1 and examples-mapreduce1, etc/hadoop beside
// etc/hadoop-mapreduce1, share/hadoop/mapreduce as a link to mapreduce2,
// the duplicate slf4j jar in share/hadoop/common/lib. Owned 1000:1000,
// fixed mtimes, entries sorted.
func hadoopTarball() ([]byte, error) {
	const top = "hadoop-2.5.0-cdh5.2.0/"
	type entry struct {
		name, body, link string
		mode             int64
		dir              bool
	}
	script := func(what string) string { return "#!/bin/sh\n# " + what + " stand-in\nexit 0\n" }
	entries := []entry{
		{name: top, mode: 0o755, dir: true},
		{name: top + "bin/", mode: 0o755, dir: true},
		{name: top + "bin/hadoop", body: script("hadoop (mapreduce2)"), mode: 0o755},
		{name: top + "bin/hdfs", body: script("hdfs"), mode: 0o755},
		{name: top + "bin-mapreduce1/", mode: 0o755, dir: true},
		{name: top + "bin-mapreduce1/hadoop", body: script("hadoop (mapreduce1)"), mode: 0o755},
		{name: top + "etc/", mode: 0o755, dir: true},
		{name: top + "etc/hadoop/", mode: 0o755, dir: true},
		{name: top + "etc/hadoop/core-site.xml", body: "<configuration/>\n", mode: 0o644},
		{name: top + "etc/hadoop-mapreduce1/", mode: 0o755, dir: true},
		{name: top + "etc/hadoop-mapreduce1/core-site.xml", body: "<configuration/>\n", mode: 0o644},
		{name: top + "etc/hadoop-mapreduce1/log4j.properties", body: "log4j.rootLogger=INFO\n", mode: 0o644},
		{name: top + "examples/", mode: 0o755, dir: true},
		{name: top + "examples/README", body: "mapreduce2 examples stand-in\n", mode: 0o644},
		{name: top + "examples-mapreduce1/", mode: 0o755, dir: true},
		{name: top + "examples-mapreduce1/README", body: "mapreduce1 examples stand-in\n", mode: 0o644},
		{name: top + "share/", mode: 0o755, dir: true},
		{name: top + "share/hadoop/", mode: 0o755, dir: true},
		{name: top + "share/hadoop/common/", mode: 0o755, dir: true},
		{name: top + "share/hadoop/common/lib/", mode: 0o755, dir: true},
		{name: top + "share/hadoop/common/lib/slf4j-log4j12-1.7.5.jar", body: "slf4j stand-in (duplicate)\n", mode: 0o644},
		{name: top + "share/hadoop/mapreduce", link: "mapreduce2", mode: 0o777},
		{name: top + "share/hadoop/mapreduce1/", mode: 0o755, dir: true},
		{name: top + "share/hadoop/mapreduce1/lib/", mode: 0o755, dir: true},
		{name: top + "share/hadoop/mapreduce1/lib/slf4j-log4j12-1.7.5.jar", body: "slf4j stand-in\n", mode: 0o644},
		{name: top + "share/hadoop/mapreduce2/", mode: 0o755, dir: true},
		{name: top + "share/hadoop/mapreduce2/README", body: "mapreduce2 stand-in\n", mode: 0o644},
	}
	mtime := time.Unix(standinEpoch, 0)
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: e.mode, Uid: 1000, Gid: 1000, ModTime: mtime, Format: tar.FormatUSTAR}
		switch {
		case e.dir:
			hdr.Typeflag = tar.TypeDir
		case e.link != "":
			hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, e.link
		default:
			hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(e.body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// hdfsKeyPair returns an unencrypted OpenSSH ed25519 private key and its
// public line, derived from a fixed seed, with fixed check bytes: the
// same bytes on every build, unlike ssh-keygen's.
func hdfsKeyPair() (private, public []byte) {
	seed := sha256.Sum256([]byte("gansible hdfs stand-in key"))
	key := ed25519.NewKeyFromSeed(seed[:])
	pub := key.Public().(ed25519.PublicKey)
	const comment = "hdfs_user_key"

	str := func(b *bytes.Buffer, s []byte) {
		binary.Write(b, binary.BigEndian, uint32(len(s)))
		b.Write(s)
	}
	var blob bytes.Buffer
	str(&blob, []byte("ssh-ed25519"))
	str(&blob, pub)

	var sec bytes.Buffer
	binary.Write(&sec, binary.BigEndian, uint32(0x67616e73)) // check bytes, "gans"
	binary.Write(&sec, binary.BigEndian, uint32(0x67616e73))
	str(&sec, []byte("ssh-ed25519"))
	str(&sec, pub)
	str(&sec, key)
	str(&sec, []byte(comment))
	for i := byte(1); sec.Len()%8 != 0; i++ {
		sec.WriteByte(i)
	}

	var all bytes.Buffer
	all.WriteString("openssh-key-v1\x00")
	str(&all, []byte("none"))
	str(&all, []byte("none"))
	str(&all, nil)
	binary.Write(&all, binary.BigEndian, uint32(1))
	str(&all, blob.Bytes())
	str(&all, sec.Bytes())

	enc := base64.StdEncoding.EncodeToString(all.Bytes())
	var pem strings.Builder
	pem.WriteString("-----BEGIN OPENSSH PRIVATE KEY-----\n")
	for len(enc) > 70 {
		pem.WriteString(enc[:70] + "\n")
		enc = enc[70:]
	}
	pem.WriteString(enc + "\n-----END OPENSSH PRIVATE KEY-----\n")
	public = []byte("ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob.Bytes()) + " " + comment + "\n")
	return []byte(pem.String()), public
}
