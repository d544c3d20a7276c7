package testcluster

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// File names of the stand-ins, as the playbook's group_vars expect them.
const (
	MesosRPM     = "mesos-0.21.0-1.0.rpm"
	ZookeeperTGZ = "zookeeper-3.4.6.tar.gz"

	// SigningPublicKey is the armored public key that signs MesosRPM. Hosts
	// import it into their rpm database.
	SigningPublicKey = "RPM-GPG-KEY-gansible-standin"
	signingSecretKey = "standin-signing-key.asc"
)

// standinEpoch is the fixed build time of the stand-ins (2014-11-24, the
// week Mesos 0.21.0 came out); it makes every build byte-identical.
const standinEpoch = 1416787200

const signingUID = "gansible stand-in packages <standin@gansible.invalid>"

//go:embed assets/mesos.spec assets/zookeeper
var standinAssets embed.FS

// BuildStandins writes MesosRPM, ZookeeperTGZ and GitRepo into dir, creating dir if
// needed, and the package repositories (BuildRepos). The tarball is reproducible byte for byte. The rpm is signed
// with the key in dir (see EnsureSigningKey); with the same key it too is
// reproducible byte for byte.
func BuildStandins(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tgz, err := zookeeperTarball()
	if err != nil {
		return fmt.Errorf("zookeeper stand-in: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ZookeeperTGZ), tgz, 0o644); err != nil {
		return err
	}
	if _, err := EnsureSigningKey(ctx, dir); err != nil {
		return err
	}
	if err := buildMesosRPM(ctx, dir); err != nil {
		return fmt.Errorf("mesos stand-in: %w", err)
	}
	if err := buildGitRepo(ctx, dir); err != nil {
		return fmt.Errorf("git repository: %w", err)
	}
	return BuildRepos(ctx, dir)
}

// zookeeperTarball returns zookeeper-3.4.6.tar.gz: the tree sorted by
// name, owned 1000:1000 like the Apache release, fixed mtimes and a gzip
// header without name or time (what tar --sort=name --mtime=@EPOCH
// --owner=1000 --group=1000 | gzip -n makes).
func zookeeperTarball() ([]byte, error) {
	const top = "zookeeper-3.4.6/"
	type entry struct {
		name  string
		asset string // under assets/zookeeper; "" for a directory
		mode  int64
	}
	entries := []entry{
		{top, "", 0o755},
		{top + "README.txt", "README.txt", 0o644},
		{top + "bin/", "", 0o755},
		{top + "bin/zkCli.sh", "zkCli.sh", 0o755},
		{top + "bin/zkEnv.sh", "zkEnv.sh", 0o755},
		{top + "bin/zkServer.sh", "zkServer.sh", 0o755},
		{top + "conf/", "", 0o755},
		{top + "conf/log4j.properties", "log4j.properties", 0o644},
		{top + "conf/zoo_sample.cfg", "zoo_sample.cfg", 0o644},
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
		var body []byte
		if e.asset == "" {
			hdr.Typeflag = tar.TypeDir
		} else {
			if body, err = standinAssets.ReadFile("assets/zookeeper/" + e.asset); err != nil {
				return nil, err
			}
			hdr.Typeflag = tar.TypeReg
			hdr.Size = int64(len(body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(body); err != nil {
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

// EnsureSigningKey makes sure dir holds the throwaway OpenPGP key pair
// that signs the mesos stand-in, generating it on first use, and returns
// the path of the armored public key. The dnf module of ansible-core
// refuses unsigned local packages, so hosts must trust this key.
func EnsureSigningKey(ctx context.Context, dir string) (string, error) {
	pub := filepath.Join(dir, SigningPublicKey)
	sec := filepath.Join(dir, signingSecretKey)
	if fileExists(pub) && fileExists(sec) {
		return pub, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	g, err := newGPG(ctx)
	if err != nil {
		return "", err
	}
	defer g.close()
	if _, err := g.run("--quick-generate-key", "--passphrase", "", signingUID, "rsa2048", "sign", "never"); err != nil {
		return "", err
	}
	secret, err := g.run("--armor", "--pinentry-mode", "loopback", "--passphrase", "", "--export-secret-keys", signingUID)
	if err != nil {
		return "", err
	}
	public, err := g.run("--armor", "--export", signingUID)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(sec, secret, 0o600); err != nil {
		return "", err
	}
	if err := os.WriteFile(pub, public, 0o644); err != nil {
		return "", err
	}
	return pub, nil
}

// buildMesosRPM builds the spec with rpmbuild in a scratch tree and signs
// the result with the key from dir.
func buildMesosRPM(ctx context.Context, dir string) error {
	spec, err := standinAssets.ReadFile("assets/mesos.spec")
	if err != nil {
		return err
	}
	top, err := os.MkdirTemp("", "gansible-rpmbuild")
	if err != nil {
		return err
	}
	defer os.RemoveAll(top)
	specPath := filepath.Join(top, "mesos.spec")
	if err := os.WriteFile(specPath, spec, 0o644); err != nil {
		return err
	}
	built := filepath.Join(top, "RPMS", "noarch", "mesos-0.21.0-1.0.noarch.rpm")
	if err := rpmbuildSigned(ctx, dir, top, specPath, built); err != nil {
		return err
	}
	rpm, err := os.ReadFile(built)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, MesosRPM), rpm, 0o644)
}

// rpmbuildSigned builds specPath in the scratch tree top, reproducibly,
// and signs the rpm it makes (built) with the stand-in key of keyDir.
func rpmbuildSigned(ctx context.Context, keyDir, top, specPath, built string) error {
	build := exec.CommandContext(ctx, "rpmbuild", "-bb", "--quiet",
		"--define", "_topdir "+top,
		"--define", "_buildhost gansible.invalid",
		"--define", "use_source_date_epoch_as_buildtime 1",
		"--define", "clamp_mtime_to_source_date_epoch 1",
		// gzip payloads are what the rpm of CentOS 6 reads.
		"--define", "_binary_payload w9.gzdio",
		"--define", "__os_install_post %{nil}",
		"--define", "_build_id_links none",
		specPath)
	build.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+strconv.Itoa(standinEpoch), "TZ=UTC", "LC_ALL=C")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("rpmbuild: %w\n%s", err, out)
	}

	g, err := newGPG(ctx)
	if err != nil {
		return err
	}
	defer g.close()
	if _, err := g.run("--batch", "--import", filepath.Join(keyDir, signingSecretKey)); err != nil {
		return err
	}
	sign := exec.CommandContext(ctx, "rpmsign", "--addsign",
		"--define", "__gpg /usr/bin/gpg",
		"--define", "_gpg_path "+g.home,
		"--define", "_gpg_name "+signingUID,
		"--define", "_gpg_sign_cmd_extra_args --pinentry-mode loopback --passphrase '' --faked-system-time "+strconv.Itoa(standinEpoch)+"!",
		built)
	sign.Env = append(os.Environ(), "GNUPGHOME="+g.home, "TZ=UTC", "LC_ALL=C")
	if out, err := sign.CombinedOutput(); err != nil {
		return fmt.Errorf("rpmsign: %w\n%s", err, out)
	}
	return nil
}

// gpg runs gpg in a private, short-lived home directory (short, because
// gpg-agent's socket path must fit in a sockaddr).
type gpg struct {
	ctx  context.Context
	home string
}

func newGPG(ctx context.Context) (*gpg, error) {
	home, err := os.MkdirTemp("", "gansible-gpg")
	if err != nil {
		return nil, err
	}
	return &gpg{ctx: ctx, home: home}, nil
}

func (g *gpg) run(args ...string) ([]byte, error) {
	full := append([]string{"--homedir", g.home, "--batch", "--no-tty", "--faked-system-time", strconv.Itoa(standinEpoch) + "!"}, args...)
	cmd := exec.CommandContext(g.ctx, "gpg", full...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("gpg %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

// close stops the gpg-agent this home directory started and removes it.
func (g *gpg) close() {
	kill := exec.Command("gpgconf", "--homedir", g.home, "--kill", "gpg-agent")
	_ = kill.Run() // best effort: the agent exits by itself once its socket is gone
	os.RemoveAll(g.home)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
