package template

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// cryptScheme is one of the crypt(3) schemes password_hash implements,
// under passlib's name, with passlib's default rounds and salt limits.
type cryptScheme struct {
	name     string
	rounds   int // passlib's default; 0: the scheme has no rounds
	maxSalt  int
	hashFunc func(password, salt string, rounds int) string
}

// cryptSchemes maps the names password_hash accepts (Ansible's short
// names and passlib's) to the scheme.
var cryptSchemes = func() map[string]*cryptScheme {
	sha512c := &cryptScheme{"sha512_crypt", 656000, 16, sha512Crypt}
	sha256c := &cryptScheme{"sha256_crypt", 535000, 16, sha256Crypt}
	md5c := &cryptScheme{"md5_crypt", 0, 8, func(pw, salt string, _ int) string { return md5Crypt(pw, salt) }}
	return map[string]*cryptScheme{
		"sha512": sha512c, "sha512_crypt": sha512c,
		"sha256": sha256c, "sha256_crypt": sha256c,
		"md5": md5c, "md5_crypt": md5c,
	}
}()

// filterPasswordHash is password_hash(hashtype='sha512', salt, rounds):
// the crypt(3) string passlib makes, which Ansible uses when installed.
func filterPasswordHash(_ *evaluator, in any, a args) (any, error) {
	name, _ := a.str(0, "hashtype", "sha512")
	scheme, ok := cryptSchemes[name]
	if !ok {
		return nil, fmt.Errorf("password_hash: unsupported hash type %s (only sha512, sha256 and md5)", name)
	}
	salt, _ := a.str(1, "salt", "")
	rounds, err := a.integer(-1, "rounds", scheme.rounds)
	if err != nil {
		return nil, err
	}
	h, err := scheme.hash(str(in), salt, -1, rounds)
	if err != nil {
		// Ansible's message repeats itself: the filter wraps passlib's
		// error in an error that appends its cause.
		msg := "Could not hash the secret.. " + err.Error()
		return nil, errors.New(msg + ". " + msg)
	}
	return h, nil
}

// CryptHash is ansible-core's do_encrypt, which vars_prompt's encrypt
// uses: passlib's hash of secret under the scheme named hashtype, with
// salt, or else a random salt of saltSize characters (below 0: the
// scheme's default size), and the scheme's default rounds.
func CryptHash(secret, hashtype, salt string, saltSize int) (string, error) {
	scheme, ok := cryptSchemes[hashtype]
	if !ok {
		return "", fmt.Errorf("passlib does not support '%s' algorithm", hashtype)
	}
	h, err := scheme.hash(secret, salt, saltSize, scheme.rounds)
	if err != nil {
		return "", fmt.Errorf("Could not hash the secret.. %v", err)
	}
	return h, nil
}

// hash checks salt as passlib does, or makes one of saltSize characters
// (below 0: the default size), and hashes secret.
func (scheme *cryptScheme) hash(secret, salt string, saltSize, rounds int) (string, error) {
	if salt == "" {
		switch {
		case saltSize < 0:
			saltSize = min(16, scheme.maxSalt)
		case saltSize > scheme.maxSalt:
			return "", fmt.Errorf("%s: salt_size (%d) above max_salt_size (%d)", scheme.name, saltSize, scheme.maxSalt)
		}
		salt = randomSalt(saltSize)
	}
	if len(salt) > scheme.maxSalt {
		return "", fmt.Errorf("salt too large (%s requires <= %d chars)", scheme.name, scheme.maxSalt)
	}
	if strings.Trim(salt, cryptAlphabet) != "" {
		return "", errors.New("invalid characters in " + scheme.name + " salt")
	}
	return scheme.hashFunc(secret, salt, rounds), nil
}

const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func randomSalt(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for i := range b {
		b[i] = cryptAlphabet[int(b[i])%len(cryptAlphabet)]
	}
	return string(b)
}

// sha512Crypt is SHA-crypt with SHA-512 ("$6$").
func sha512Crypt(password, salt string, rounds int) string {
	order := [][3]int{
		{0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26}, {6, 27, 48},
		{28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13},
		{56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19}, {62, 20, 41},
	}
	return shaCrypt(sha512.New, "$6$", order, [3]int{-1, -1, 63}, 2, password, salt, rounds)
}

// sha256Crypt is SHA-crypt with SHA-256 ("$5$").
func sha256Crypt(password, salt string, rounds int) string {
	order := [][3]int{
		{0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23}, {24, 4, 14},
		{15, 25, 5}, {6, 16, 26}, {27, 7, 17}, {18, 28, 8}, {9, 19, 29},
	}
	return shaCrypt(sha256.New, "$5$", order, [3]int{-1, 31, 30}, 3, password, salt, rounds)
}

// shaCrypt implements Ulrich Drepper's SHA-crypt; the two variants
// differ in the hash and in how the final digest's bytes are ordered
// (order, then the last group, -1 for a zero byte, of tailLen chars).
func shaCrypt(newHash func() hash.Hash, prefix string, order [][3]int, tail [3]int, tailLen int, password, salt string, rounds int) string {
	if len(salt) > 16 {
		salt = salt[:16]
	}
	rounds = max(1000, min(rounds, 999999999))
	pw, s := []byte(password), []byte(salt)
	size := newHash().Size()

	b := newHash()
	b.Write(pw)
	b.Write(s)
	b.Write(pw)
	digestB := b.Sum(nil)

	a := newHash()
	a.Write(pw)
	a.Write(s)
	for n := len(pw); n > 0; n -= size {
		a.Write(digestB[:min(n, size)])
	}
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 != 0 {
			a.Write(digestB)
		} else {
			a.Write(pw)
		}
	}
	digestA := a.Sum(nil)

	dp := newHash()
	for range len(pw) {
		dp.Write(pw)
	}
	p := repeatTo(dp.Sum(nil), len(pw))

	ds := newHash()
	for range 16 + int(digestA[0]) {
		ds.Write(s)
	}
	sBytes := repeatTo(ds.Sum(nil), len(s))

	c := digestA
	for i := range rounds {
		h := newHash()
		if i%2 != 0 {
			h.Write(p)
		} else {
			h.Write(c)
		}
		if i%3 != 0 {
			h.Write(sBytes)
		}
		if i%7 != 0 {
			h.Write(p)
		}
		if i%2 != 0 {
			h.Write(c)
		} else {
			h.Write(p)
		}
		c = h.Sum(nil)
	}

	var out strings.Builder
	out.WriteString(prefix)
	if rounds != 5000 {
		fmt.Fprintf(&out, "rounds=%d$", rounds)
	}
	out.WriteString(salt)
	out.WriteByte('$')
	for _, o := range order {
		encode24(&out, c[o[0]], c[o[1]], c[o[2]], 4)
	}
	at := func(i int) byte {
		if i < 0 {
			return 0
		}
		return c[i]
	}
	encode24(&out, at(tail[0]), at(tail[1]), at(tail[2]), tailLen)
	return out.String()
}

// md5Crypt is Poul-Henning Kamp's MD5-crypt ("$1$").
func md5Crypt(password, salt string) string {
	pw, s := []byte(password), []byte(salt)
	alt := md5.New()
	alt.Write(pw)
	alt.Write(s)
	alt.Write(pw)
	final := alt.Sum(nil)

	ctx := md5.New()
	ctx.Write(pw)
	ctx.Write([]byte("$1$"))
	ctx.Write(s)
	for n := len(pw); n > 0; n -= 16 {
		ctx.Write(final[:min(n, 16)])
	}
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 != 0 {
			ctx.Write([]byte{0})
		} else {
			ctx.Write(pw[:1])
		}
	}
	final = ctx.Sum(nil)
	for i := range 1000 {
		h := md5.New()
		if i&1 != 0 {
			h.Write(pw)
		} else {
			h.Write(final)
		}
		if i%3 != 0 {
			h.Write(s)
		}
		if i%7 != 0 {
			h.Write(pw)
		}
		if i&1 != 0 {
			h.Write(final)
		} else {
			h.Write(pw)
		}
		final = h.Sum(nil)
	}
	var out strings.Builder
	out.WriteString("$1$" + salt + "$")
	for _, o := range [][3]int{{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}} {
		encode24(&out, final[o[0]], final[o[1]], final[o[2]], 4)
	}
	encode24(&out, 0, 0, final[11], 2)
	return out.String()
}

func repeatTo(digest []byte, n int) []byte {
	out := make([]byte, 0, n)
	for len(out) < n {
		out = append(out, digest[:min(len(digest), n-len(out))]...)
	}
	return out
}

func encode24(sb *strings.Builder, b2, b1, b0 byte, n int) {
	w := uint(b2)<<16 | uint(b1)<<8 | uint(b0)
	for range n {
		sb.WriteByte(cryptAlphabet[w&0x3f])
		w >>= 6
	}
}
