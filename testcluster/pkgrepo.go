package testcluster

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The package repositories the cluster serves (see ServeRepos): an apt
// repository (suite RepoSuite, component main, unsigned: hosts list it
// with [trusted=yes]) and a dnf repository, of the same small stand-in
// packages, under StandinDir/RepoDir.
const (
	RepoDir   = "repos"
	RepoSuite = "gansible"
	aptDir    = "apt"
	dnfDir    = "dnf"
)

// AptTestKey is served at AptRepoURL()+"/"+AptTestKey: a throwaway
// OpenPGP public key (ed25519, made once and kept, so that its id is
// the same in every recording) for apt_key to fetch.
const AptTestKey = "keys/apt-test-key.asc"

//go:embed assets/apt-test-key.asc
var aptTestKey []byte

// repoPackage is one stand-in package of the repositories, built both as
// a .deb (architecture all) and as a noarch .rpm.
type repoPackage struct {
	name, version string
	depends       []string // Depends / Requires
	recommends    []string // Recommends (weak dependencies)
	files         []repoFile
	summary       string
}

type repoFile struct {
	path    string
	content string
	mode    os.FileMode
	conf    bool // a conffile (%config(noreplace))
}

// repoPackages are what the repositories hold: two versions of one
// package (for state latest and name=version), a package with a
// dependency and a recommendation, and one with a conffile.
var repoPackages = []repoPackage{
	helloPackage("1.0"),
	helloPackage("1.1"),
	{name: "gansible-lib", version: "1.0", summary: "stand-in library",
		files: []repoFile{{path: "/usr/share/gansible-lib/lib.txt", content: "gansible-lib 1.0\n", mode: 0o644}}},
	{name: "gansible-extra", version: "1.0", summary: "stand-in recommended package",
		files: []repoFile{{path: "/usr/share/gansible-extra/extra.txt", content: "gansible-extra 1.0\n", mode: 0o644}}},
	{name: "gansible-app", version: "2.0", summary: "stand-in application with a dependency",
		depends: []string{"gansible-lib"}, recommends: []string{"gansible-extra"},
		files: []repoFile{{path: "/usr/bin/gansible-app", content: "#!/bin/sh\necho gansible-app 2.0\n", mode: 0o755}}},
	{name: "gansible-conf", version: "1.0", summary: "stand-in package with a configuration file",
		files: []repoFile{
			{path: "/etc/gansible-conf.conf", content: "# gansible-conf configuration\nsetting = 1\n", mode: 0o644, conf: true},
			{path: "/usr/share/gansible-conf/README", content: "gansible-conf 1.0\n", mode: 0o644},
		}},
}

func helloPackage(version string) repoPackage {
	return repoPackage{name: "gansible-hello", version: version, summary: "stand-in hello program",
		files: []repoFile{
			{path: "/usr/bin/gansible-hello", content: "#!/bin/sh\necho 'hello from gansible-hello " + version + "'\n", mode: 0o755},
			{path: "/usr/share/gansible-hello/VERSION", content: version + "\n", mode: 0o644},
		}}
}

// BuildRepos writes the apt and dnf repositories into dir/RepoDir. The
// debs, the apt indexes and the rpms' payloads are reproducible; the rpms
// are signed with the stand-in key of dir (EnsureSigningKey first).
func BuildRepos(ctx context.Context, dir string) error {
	root := filepath.Join(dir, RepoDir)
	if err := os.RemoveAll(root); err != nil {
		return err
	}
	if err := buildAptRepo(ctx, filepath.Join(root, aptDir)); err != nil {
		return fmt.Errorf("apt repository: %w", err)
	}
	if err := buildDnfRepo(ctx, dir, filepath.Join(root, dnfDir)); err != nil {
		return fmt.Errorf("dnf repository: %w", err)
	}
	return nil
}

// aptSources is the apt repository's source index: one source package,
// gansible-src, that build-depends on gansible-lib, for apt's
// state=build-dep (apt-get build-dep reads only the index; the source
// files it names are empty and not served). A host sees it once its
// sources list the repository with a deb-src line too.
const aptSources = `Package: gansible-src
Binary: gansible-built
Version: 1.0
Maintainer: gansible <standin@gansible.invalid>
Build-Depends: gansible-lib
Architecture: all
Format: 3.0 (native)
Directory: pool/main
Files:
 d41d8cd98f00b204e9800998ecf8427e 0 gansible-src_1.0.tar.xz
Checksums-Sha256:
 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0 gansible-src_1.0.tar.xz

`

// buildAptRepo builds each package with dpkg-deb into pool/ and writes
// dists/RepoSuite/main/binary-ARCH/Packages(.gz), the source index
// main/source/Sources(.gz) and the suite's Release.
func buildAptRepo(ctx context.Context, dir string) error {
	archOut, err := exec.CommandContext(ctx, "dpkg", "--print-architecture").Output()
	if err != nil {
		return fmt.Errorf("dpkg --print-architecture: %w", err)
	}
	arch := strings.TrimSpace(string(archOut))
	pool := filepath.Join(dir, "pool", "main")
	if err := os.MkdirAll(pool, 0o755); err != nil {
		return err
	}
	var index bytes.Buffer
	for _, p := range repoPackages {
		control := debControl(p)
		deb, err := buildDeb(ctx, p, control)
		if err != nil {
			return fmt.Errorf("%s %s: %w", p.name, p.version, err)
		}
		name := fmt.Sprintf("%s_%s_all.deb", p.name, p.version)
		if err := os.WriteFile(filepath.Join(pool, name), deb, 0o644); err != nil {
			return err
		}
		md := md5.Sum(deb)
		sha := sha256.Sum256(deb)
		index.WriteString(control)
		fmt.Fprintf(&index, "Filename: pool/main/%s\nSize: %d\nMD5sum: %s\nSHA256: %s\n\n",
			name, len(deb), hex.EncodeToString(md[:]), hex.EncodeToString(sha[:]))
	}
	if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(AptTestKey)), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, AptTestKey), aptTestKey, 0o644); err != nil {
		return err
	}
	comp := filepath.Join("main", "binary-"+arch)
	if err := os.MkdirAll(filepath.Join(dir, "dists", RepoSuite, comp), 0o755); err != nil {
		return err
	}
	gz, err := gzipBytes(index.Bytes())
	if err != nil {
		return err
	}
	srcGz, err := gzipBytes([]byte(aptSources))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "dists", RepoSuite, "main", "source"), 0o755); err != nil {
		return err
	}
	indexes := map[string][]byte{comp + "/Packages": index.Bytes(), comp + "/Packages.gz": gz,
		"main/source/Sources": []byte(aptSources), "main/source/Sources.gz": srcGz}
	release := fmt.Sprintf("Origin: gansible\nLabel: gansible\nSuite: %s\nCodename: %s\nDate: %s\nArchitectures: %s all\nComponents: main\nDescription: gansible test cluster stand-in packages\n",
		RepoSuite, RepoSuite, time.Unix(standinEpoch, 0).UTC().Format(time.RFC1123Z), arch)
	var names []string
	for n := range indexes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, sum := range []string{"MD5Sum", "SHA256"} {
		release += sum + ":\n"
		for _, n := range names {
			b := indexes[n]
			var h string
			if sum == "MD5Sum" {
				s := md5.Sum(b)
				h = hex.EncodeToString(s[:])
			} else {
				s := sha256.Sum256(b)
				h = hex.EncodeToString(s[:])
			}
			release += fmt.Sprintf(" %s %d %s\n", h, len(b), n)
		}
	}
	for n, b := range indexes {
		if err := os.WriteFile(filepath.Join(dir, "dists", RepoSuite, n), b, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "dists", RepoSuite, "Release"), []byte(release), 0o644)
}

func debControl(p repoPackage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: gansible <standin@gansible.invalid>\nInstalled-Size: 1\n", p.name, p.version)
	if len(p.depends) > 0 {
		fmt.Fprintf(&b, "Depends: %s\n", strings.Join(p.depends, ", "))
	}
	if len(p.recommends) > 0 {
		fmt.Fprintf(&b, "Recommends: %s\n", strings.Join(p.recommends, ", "))
	}
	fmt.Fprintf(&b, "Section: misc\nPriority: optional\nDescription: %s\n Built for the gansible test cluster.\n", p.summary)
	return b.String()
}

// buildDeb lays the package's tree out in a scratch dir with fixed
// mtimes and builds it with dpkg-deb (root-owned, gzip, SOURCE_DATE_EPOCH
// for the archive's own times).
func buildDeb(ctx context.Context, p repoPackage, control string) ([]byte, error) {
	tree, err := os.MkdirTemp("", "gansible-deb")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tree)
	var conffiles []string
	type entry struct {
		path string
		mode os.FileMode
		body []byte
	}
	entries := []entry{{"DEBIAN/control", 0o644, []byte(control)}}
	for _, f := range p.files {
		entries = append(entries, entry{f.path, f.mode, []byte(f.content)})
		if f.conf {
			conffiles = append(conffiles, f.path)
		}
	}
	if len(conffiles) > 0 {
		entries = append(entries, entry{"DEBIAN/conffiles", 0o644, []byte(strings.Join(conffiles, "\n") + "\n")})
	}
	for _, e := range entries {
		full := filepath.Join(tree, e.path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(full, e.body, e.mode); err != nil {
			return nil, err
		}
		if err := os.Chmod(full, e.mode); err != nil {
			return nil, err
		}
	}
	if err := setTreeTimes(tree); err != nil {
		return nil, err
	}
	out := tree + ".deb"
	defer os.Remove(out)
	cmd := exec.CommandContext(ctx, "dpkg-deb", "--root-owner-group", "-Zgzip", "--build", tree, out)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+strconv.Itoa(standinEpoch), "TZ=UTC", "LC_ALL=C")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("dpkg-deb: %w\n%s", err, b)
	}
	return os.ReadFile(out)
}

// setTreeTimes gives everything under dir the stand-ins' build time and
// umask-independent directory modes.
func setTreeTimes(dir string) error {
	t := time.Unix(standinEpoch, 0)
	return filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			if err := os.Chmod(p, 0o755); err != nil {
				return err
			}
		}
		return os.Chtimes(p, t, t)
	})
}

// buildDnfRepo builds each package with rpmbuild, signs it with the
// stand-in key of keyDir and writes repodata with createrepo_c (no sqlite
// databases, timestamps fixed to the stand-ins' build time).
func buildDnfRepo(ctx context.Context, keyDir, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, p := range repoPackages {
		rpm, err := buildRepoRPM(ctx, keyDir, p)
		if err != nil {
			return fmt.Errorf("%s %s: %w", p.name, p.version, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s-1.noarch.rpm", p.name, p.version)), rpm, 0o644); err != nil {
			return err
		}
	}
	cmd := exec.CommandContext(ctx, "createrepo_c", "--quiet", "--no-database", "--simple-md-filenames",
		"--revision", strconv.Itoa(standinEpoch), "--set-timestamp-to-revision", dir)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+strconv.Itoa(standinEpoch), "TZ=UTC", "LC_ALL=C")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("createrepo_c: %w\n%s", err, b)
	}
	return nil
}

// rpmSpec returns the spec of p: noarch, release 1, no automatic
// dependencies, the files written by %install.
func rpmSpec(p repoPackage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Name: %s\nVersion: %s\nRelease: 1\nSummary: %s\nLicense: MIT\nBuildArch: noarch\nAutoReqProv: no\n", p.name, p.version, p.summary)
	for _, d := range p.depends {
		fmt.Fprintf(&b, "Requires: %s\n", d)
	}
	for _, r := range p.recommends {
		fmt.Fprintf(&b, "Recommends: %s\n", r)
	}
	b.WriteString("\n%description\nBuilt for the gansible test cluster.\n\n%prep\n\n%build\n\n%install\n")
	for _, f := range p.files {
		fmt.Fprintf(&b, "mkdir -p %%{buildroot}%s\n", filepath.Dir(f.path))
		fmt.Fprintf(&b, "cat >%%{buildroot}%s <<'GANSIBLE_EOF'\n%sGANSIBLE_EOF\n", f.path, f.content)
		fmt.Fprintf(&b, "chmod %04o %%{buildroot}%s\n", f.mode, f.path)
	}
	b.WriteString("\n%files\n%defattr(-,root,root,-)\n")
	for _, f := range p.files {
		if f.conf {
			b.WriteString("%config(noreplace) ")
		}
		b.WriteString(f.path + "\n")
	}
	return b.String()
}

func buildRepoRPM(ctx context.Context, keyDir string, p repoPackage) ([]byte, error) {
	top, err := os.MkdirTemp("", "gansible-rpmbuild")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(top)
	specPath := filepath.Join(top, p.name+".spec")
	if err := os.WriteFile(specPath, []byte(rpmSpec(p)), 0o644); err != nil {
		return nil, err
	}
	built := filepath.Join(top, "RPMS", "noarch", fmt.Sprintf("%s-%s-1.noarch.rpm", p.name, p.version))
	if err := rpmbuildSigned(ctx, keyDir, top, specPath, built); err != nil {
		return nil, err
	}
	return os.ReadFile(built)
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
