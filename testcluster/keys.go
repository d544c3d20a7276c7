package testcluster

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// keyPair is an ed25519 key in the formats OpenSSH reads.
type keyPair struct {
	private    []byte        // OpenSSH PEM, unencrypted
	authorized []byte        // "ssh-ed25519 AAAA...\n"
	public     ssh.PublicKey // for known_hosts
}

func newKeyPair(comment string) (keyPair, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return keyPair{}, err
	}
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		return keyPair{}, fmt.Errorf("marshal private key: %w", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return keyPair{}, err
	}
	return keyPair{
		private:    pem.EncodeToMemory(block),
		authorized: ssh.MarshalAuthorizedKey(sshPub),
		public:     sshPub,
	}, nil
}
