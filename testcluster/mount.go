package testcluster

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"
)

func mountTmpfs(target string) error {
	if err := syscall.Mount("gansible-testcluster", target, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=0755"); err != nil {
		return fmt.Errorf("mount tmpfs on %s: %w", target, err)
	}
	return nil
}

// mountOverlay mounts lowers (top first) under upper at target.
func mountOverlay(target, upper, work string, lowers ...string) error {
	for _, p := range append([]string{target, upper, work}, lowers...) {
		if strings.ContainsAny(p, ",:\\") {
			return fmt.Errorf("overlay path %q contains one of , : \\", p)
		}
	}
	opts := "lowerdir=" + strings.Join(lowers, ":") + ",upperdir=" + upper + ",workdir=" + work
	if err := syscall.Mount("overlay", target, "overlay", 0, opts); err != nil {
		return fmt.Errorf("mount overlay on %s (%s): %w", target, opts, err)
	}
	return nil
}

// mountsUnder lists the mount points at or below dir, deepest first, as
// /proc/self/mountinfo shows them.
func mountsUnder(dir string) ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var points []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		p := unescapeMountPath(fields[4])
		if p == dir || strings.HasPrefix(p, dir+"/") {
			points = append(points, p)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	// Later mounts may sit on earlier ones: undo them in reverse, and
	// deeper paths before their parents.
	for i, j := 0, len(points)-1; i < j; i, j = i+1, j-1 {
		points[i], points[j] = points[j], points[i]
	}
	sort.SliceStable(points, func(i, j int) bool {
		return strings.Count(points[i], "/") > strings.Count(points[j], "/")
	})
	return points, nil
}

// unescapeMountPath undoes the octal escapes (\040 for space...) of
// mountinfo.
func unescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			var v byte
			ok := true
			for _, c := range s[i+1 : i+4] {
				if c < '0' || c > '7' {
					ok = false
					break
				}
				v = v*8 + byte(c-'0')
			}
			if ok {
				b.WriteByte(v)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unmountAll unmounts everything at or below dir. A mount still busy after
// a few tries is detached, so that nothing stays visible; the error then
// says so.
func unmountAll(dir string) error {
	var errs []error
	for attempt := 0; ; attempt++ {
		points, err := mountsUnder(dir)
		if err != nil {
			return err
		}
		if len(points) == 0 {
			return errors.Join(errs...)
		}
		for _, p := range points {
			err := syscall.Unmount(p, 0)
			if err == nil || errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOENT) {
				continue
			}
			if attempt < 20 {
				continue
			}
			if derr := syscall.Unmount(p, syscall.MNT_DETACH); derr != nil {
				errs = append(errs, fmt.Errorf("unmount %s: %w", p, derr))
			} else {
				errs = append(errs, fmt.Errorf("unmount %s: %w (detached instead)", p, err))
			}
		}
		if attempt > 25 {
			points, _ := mountsUnder(dir)
			if len(points) > 0 {
				errs = append(errs, fmt.Errorf("still mounted: %v", points))
			}
			return errors.Join(errs...)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
