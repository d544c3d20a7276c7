package testcluster

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh"
)

// TestHDFSStandinsReproducible checks that two builds are byte-identical
// and that the key pair is one OpenSSH reads.
func TestHDFSStandinsReproducible(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := BuildHDFSStandins(d); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{HadoopTGZ, HadoopMesosJar, HDFSKey, HDFSPubKey} {
		x, err1 := os.ReadFile(filepath.Join(a, name))
		y, err2 := os.ReadFile(filepath.Join(b, name))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between builds (%v %v)", name, err1, err2)
		}
	}
	priv, _ := os.ReadFile(filepath.Join(a, HDFSKey))
	pubLine, _ := os.ReadFile(filepath.Join(a, HDFSPubKey))
	k, err := ssh.ParseRawPrivateKey(priv)
	if err != nil {
		t.Fatalf("private key: %v", err)
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(pubLine)
	if err != nil {
		t.Fatalf("public key: %v", err)
	}
	signer, err := ssh.NewSignerFromKey(*k.(*ed25519.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(signer.PublicKey().Marshal(), pub.Marshal()) {
		t.Error("the public key is not the private key's")
	}
	if _, err := exec.LookPath("ssh-keygen"); err == nil {
		if out, err := exec.Command("ssh-keygen", "-y", "-f", filepath.Join(a, HDFSKey)).CombinedOutput(); err != nil ||
			!bytes.HasPrefix(pubLine, bytes.TrimSpace(out)) {
			t.Errorf("ssh-keygen -y: %s %v", out, err)
		}
	}
}

// TestHadoopTarball checks the layout the repo's tasks rely on.
func TestHadoopTarball(t *testing.T) {
	tgz, err := hadoopTarball()
	if err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	got := map[string]*tar.Header{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = h
	}
	const top = "hadoop-2.5.0-cdh5.2.0/"
	for _, want := range []string{"bin/hdfs", "bin-mapreduce1/", "examples/", "examples-mapreduce1/", "etc/hadoop/",
		"etc/hadoop-mapreduce1/", "share/hadoop/common/lib/slf4j-log4j12-1.7.5.jar"} {
		if got[top+want] == nil {
			t.Errorf("missing %s", want)
		}
	}
	if h := got[top+"share/hadoop/mapreduce"]; h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "mapreduce2" {
		t.Errorf("share/hadoop/mapreduce: %+v", h)
	}
}

// TestPrepareHDFSRepo checks the adaptations for ansible-core, on the
// real repo when it is there.
func TestPrepareHDFSRepo(t *testing.T) {
	if _, err := os.Stat(filepath.Join(HDFSRepo(), "site.yml")); err != nil {
		t.Skip("no mesos-hdfs-ansible repo")
	}
	standins, dst := t.TempDir(), filepath.Join(t.TempDir(), "repo")
	if err := BuildHDFSStandins(standins); err != nil {
		t.Fatal(err)
	}
	if err := PrepareHDFSRepo(HDFSRepo(), dst, standins, true); err != nil {
		t.Fatal(err)
	}
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(dst, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for file, want := range map[string][]string{
		"site.yml":                        {"- import_playbook: cluster.yml"},
		"cluster.yml":                     {"  become: yes"},
		"useradd_hdfs_local.yml":          {"  become: yes"},
		"roles/hadoop_dfs/tasks/main.yml": {`with_items: "{{ nn_data_dir }}"`, `with_items: "{{ dn_data_dir }}"`},
	} {
		got := read(file)
		for _, w := range want {
			if !bytes.Contains([]byte(got), []byte(w)) {
				t.Errorf("%s: no %q in\n%s", file, w, got)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dst, "roles/hadoop_dfs/files", HadoopTGZ)); err != nil {
		t.Error(err)
	}
}
