package template

import (
	"crypto/rand"
	"crypto/sha512"
	"fmt"
	"strings"
)

// filterPasswordHash is password_hash('sha512'[, salt]): SHA-512 crypt
// ("$6$salt$hash"), the scheme Linux /etc/shadow uses.
func filterPasswordHash(_ *evaluator, in any, a args) (any, error) {
	scheme, _ := a.str(0, "hashtype", "sha512")
	if scheme != "sha512" && scheme != "sha512_crypt" {
		return nil, fmt.Errorf("password_hash: unsupported hash type %s (only sha512)", scheme)
	}
	salt, _ := a.str(1, "salt", "")
	if salt == "" {
		salt = randomSalt(16)
	}
	// 656000 is passlib's default, which Ansible uses when passlib is
	// installed; the output names the rounds, so any host can check it.
	rounds, err := a.integer(-1, "rounds", 656000)
	if err != nil {
		return nil, err
	}
	return sha512Crypt(str(in), salt, rounds), nil
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

// sha512Crypt implements Ulrich Drepper's SHA-crypt for SHA-512.
func sha512Crypt(password, salt string, rounds int) string {
	if len(salt) > 16 {
		salt = salt[:16]
	}
	rounds = max(1000, min(rounds, 999999999))
	pw, s := []byte(password), []byte(salt)

	b := sha512.New()
	b.Write(pw)
	b.Write(s)
	b.Write(pw)
	digestB := b.Sum(nil)

	a := sha512.New()
	a.Write(pw)
	a.Write(s)
	for n := len(pw); n > 0; n -= 64 {
		a.Write(digestB[:min(n, 64)])
	}
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 != 0 {
			a.Write(digestB)
		} else {
			a.Write(pw)
		}
	}
	digestA := a.Sum(nil)

	dp := sha512.New()
	for range len(pw) {
		dp.Write(pw)
	}
	p := repeatTo(dp.Sum(nil), len(pw))

	ds := sha512.New()
	for range 16 + int(digestA[0]) {
		ds.Write(s)
	}
	sBytes := repeatTo(ds.Sum(nil), len(s))

	c := digestA
	for i := range rounds {
		h := sha512.New()
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
	out.WriteString("$6$")
	if rounds != 5000 {
		fmt.Fprintf(&out, "rounds=%d$", rounds)
	}
	out.WriteString(salt)
	out.WriteByte('$')
	order := [][3]int{
		{0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26}, {6, 27, 48},
		{28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13},
		{56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19}, {62, 20, 41},
	}
	for _, o := range order {
		encode24(&out, c[o[0]], c[o[1]], c[o[2]], 4)
	}
	encode24(&out, 0, 0, c[63], 2)
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
