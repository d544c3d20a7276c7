package modules

import (
	"fmt"
	"strings"
	"time"
)

// unframe splits the command script's stdout into the command's own output
// and the host times printed before and after it ("NONCE start\n" first,
// "NONCE rc end\n" last). Without the frame (a script cut short), the
// whole output is the command's.
func unframe(stdout, nonce string) (body string, start, end time.Time, ok bool) {
	head, rest, found := strings.Cut(stdout, "\n")
	startText, isHead := strings.CutPrefix(head, nonce+" ")
	i := strings.LastIndex(rest, nonce+" ")
	if !found || !isHead || i < 0 {
		return stdout, time.Time{}, time.Time{}, false
	}
	body, trailer := rest[:i], strings.TrimSuffix(rest[i+len(nonce)+1:], "\n")
	_, endText, _ := strings.Cut(trailer, " ") // drop the rc
	start, err1 := parseHostTime(startText)
	end, err2 := parseHostTime(endText)
	return body, start, end, err1 == nil && err2 == nil
}

// parseHostTime reads `date '+%Y-%m-%d %H:%M:%S %N'`. A date without %N
// prints it literally; the time then has whole seconds.
func parseHostTime(s string) (time.Time, error) {
	fields := strings.Fields(s)
	if len(fields) < 2 {
		return time.Time{}, fmt.Errorf("bad host time %q", s)
	}
	t, err := time.Parse("2006-01-02 15:04:05", fields[0]+" "+fields[1])
	if err != nil {
		return time.Time{}, err
	}
	if len(fields) == 3 {
		var ns int
		if _, err := fmt.Sscanf(fields[2], "%d", &ns); err == nil && ns >= 0 && ns < 1e9 {
			t = t.Add(time.Duration(ns))
		}
	}
	return t, nil
}

// pyDatetime formats a time as Python's str(datetime): microseconds,
// omitted when zero.
func pyDatetime(t time.Time) string {
	t = t.Truncate(time.Microsecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04:05.000000")
}

// pyTimedelta formats a duration as Python's str(timedelta):
// "0:00:00.003456", "1 day, 2:03:04".
func pyTimedelta(d time.Duration) string {
	us := d.Microseconds()
	days := us / (86400 * 1e6)
	if us < 0 && us%(86400*1e6) != 0 {
		days--
	}
	us -= days * 86400 * 1e6
	secs, frac := us/1e6, us%1e6
	s := fmt.Sprintf("%d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	if frac != 0 {
		s += fmt.Sprintf(".%06d", frac)
	}
	switch {
	case days == 1 || days == -1:
		s = fmt.Sprintf("%d day, %s", days, s)
	case days != 0:
		s = fmt.Sprintf("%d days, %s", days, s)
	}
	return s
}

// splitLines splits text into lines as Python's str.splitlines does.
func splitLines(s string) []string {
	lines := []string{}
	start := 0
	runes := []rune(s)
	for i := 0; i < len(runes); i++ {
		switch runes[i] {
		case '\n', '\v', '\f', '\x1c', '\x1d', '\x1e', '\u0085', '\u2028', '\u2029':
		case '\r':
			if i+1 < len(runes) && runes[i+1] == '\n' {
				lines = append(lines, string(runes[start:i]))
				i++
				start = i + 1
				continue
			}
		default:
			continue
		}
		lines = append(lines, string(runes[start:i]))
		start = i + 1
	}
	if start < len(runes) {
		lines = append(lines, string(runes[start:]))
	}
	return lines
}
