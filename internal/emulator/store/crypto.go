package store

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"slices"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// Keypair is a crypto.CertificateKeyPair with a real X.509 certificate and
// (optionally) its private key, built like authentik/crypto/builder.py. The
// read-only fields (fingerprints, expiry, subject, key type) are derived from
// the certificate as authentik/crypto/signals.py does.
type Keypair struct {
	PK       string
	Name     string
	KeyType  string // rsa, ec, ed25519
	Managed  *string
	CertPEM  string
	KeyPEM   string // "" without a private key
	Cert     *x509.Certificate
	Internal bool // hidden from the API, like the internal JWT certificate
	// Attrs are the serializer's writable fields (name, certificate_data,
	// key_data) for the generic layer; commit keeps the fields above in step.
	Attrs map[string]any
}

func (s *State) KeypairByPK(pk string) *Keypair {
	for _, k := range s.Keypairs {
		if strings.EqualFold(k.PK, pk) && !k.Internal {
			return k
		}
	}
	return nil
}

func (s *State) KeypairRef(pk string) string {
	if k := s.KeypairByPK(pk); k != nil {
		return k.PK
	}
	return ""
}

// DeleteKeypair removes a key pair; provider references to it become
// null: OAuth2 signing/encryption_key, proxy and LDAP certificate, SAML
// signing/verification/encryption_kp (all SET_NULL).
func (s *State) DeleteKeypair(k *Keypair) {
	for _, p := range s.Providers {
		for f, v := range p.Attrs {
			if v == k.PK {
				p.Attrs[f] = nil
			}
		}
	}
	s.clearBrandRefs(k.PK)
	s.Keypairs = slices.DeleteFunc(s.Keypairs, func(x *Keypair) bool { return x == k })
}

// SyncAttrs sets the certificate, key and key type from the attributes.
func (k *Keypair) SyncAttrs() {
	k.Name = httpapi.FmtVal(k.Attrs["name"])
	if pemData := httpapi.FmtVal(k.Attrs["certificate_data"]); pemData != k.CertPEM || k.Cert == nil {
		if cert := ParseCert(pemData); cert != nil {
			k.Cert, k.CertPEM, k.KeyType = cert, pemData, keyTypeOf(cert.PublicKey)
		}
	}
	k.KeyPEM = httpapi.FmtVal(k.Attrs["key_data"])
}

func ParseCert(s string) *x509.Certificate {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil
	}
	cert, _ := x509.ParseCertificate(block.Bytes)
	return cert
}

// keyTypeOf is CertificateKeyPair's key_type from the public key.
func keyTypeOf(pub any) string {
	switch pub.(type) {
	case *rsa.PublicKey:
		return "rsa"
	case *ecdsa.PublicKey:
		return "ec"
	case ed25519.PublicKey:
		return "ed25519"
	}
	return ""
}
