package emulator

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// keypair is a crypto.CertificateKeyPair. The emulator keeps no real PEM:
// fingerprints and subject are synthesized.
type keypair struct {
	PK       string
	Name     string
	KeyType  string // rsa, ec, ...
	HasKey   bool
	Managed  *string
	Expiry   time.Time
	Subject  string
	internal bool // hidden from the API, like the internal JWT certificate
}

type keypairOut struct {
	PK                     string  `json:"pk"`
	Name                   string  `json:"name"`
	FingerprintSHA256      *string `json:"fingerprint_sha256"`
	FingerprintSHA1        *string `json:"fingerprint_sha1"`
	CertExpiry             *string `json:"cert_expiry"`
	CertSubject            *string `json:"cert_subject"`
	PrivateKeyAvailable    bool    `json:"private_key_available"`
	KeyType                *string `json:"key_type"`
	CertificateDownloadURL string  `json:"certificate_download_url"`
	PrivateKeyDownloadURL  string  `json:"private_key_download_url"`
	Managed                *string `json:"managed"`
}

func fingerprint(name string, sum func([]byte) []byte) *string {
	h := hex.EncodeToString(sum([]byte("cert:" + name)))
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	s := strings.Join(parts, ":")
	return &s
}

func (e *Emulator) renderKeypair(k *keypair) map[string]any {
	exp := k.Expiry.UTC().Format(time.RFC3339)
	base := "/api/v3/crypto/certificatekeypairs/" + k.PK
	m := toMap(keypairOut{
		PK: k.PK, Name: k.Name,
		FingerprintSHA256:      fingerprint(k.Name, func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }),
		FingerprintSHA1:        fingerprint(k.Name, func(b []byte) []byte { s := sha1.Sum(b); return s[:] }),
		CertExpiry:             &exp,
		CertSubject:            strPtr(k.Subject),
		PrivateKeyAvailable:    k.HasKey,
		KeyType:                strPtr(k.KeyType),
		CertificateDownloadURL: base + "/view_certificate/?download",
		PrivateKeyDownloadURL:  base + "/view_private_key/?download",
		Managed:                k.Managed,
	})
	e.applyOverrides("certificatekeypair", k.Name, m)
	return m
}

// AddKeypair stores a key pair (keyType "rsa" or "ec", with or without a
// private key) and returns its pk.
func (e *Emulator) AddKeypair(name, keyType string, hasKey bool) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.addKeypair(name, keyType, hasKey).PK
}

func (e *Emulator) addKeypair(name, keyType string, hasKey bool) *keypair {
	k := &keypair{PK: e.newUUID(), Name: name, KeyType: keyType, HasKey: hasKey,
		Expiry:  time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		Subject: "CN=" + name}
	e.st.keypairs = append(e.st.keypairs, k)
	return k
}

func (s *state) keypairByPK(pk string) *keypair {
	for _, k := range s.keypairs {
		if strings.EqualFold(k.PK, pk) && !k.internal {
			return k
		}
	}
	return nil
}

func (s *state) keypairRef(pk string) string {
	if k := s.keypairByPK(pk); k != nil {
		return k.PK
	}
	return ""
}

func (e *Emulator) listKeypairs(c *call) resp {
	if r := checkChoiceFilters(c, nil, map[string][]string{"key_type": {"rsa", "ec", "dsa", "ed25519", "ed448"}}, nil); r != nil {
		return *r
	}
	objs := []map[string]any{}
	for _, k := range e.st.keypairs {
		if k.internal {
			continue
		}
		if b, err := parseBool(c.q.Get("has_key")); err == nil && b && !k.HasKey {
			continue
		}
		objs = append(objs, e.renderKeypair(k))
	}
	return e.list(c, objs, listSpec{
		filters:      []filterSpec{exact("name", "name"), exact("managed", "managed"), inList("key_type", "key_type")},
		searchFields: []string{"name"},
		order:        []string{"name"},
	})
}

func (e *Emulator) getKeypair(c *call) resp {
	if !isUUID(c.id) {
		return notFound()
	}
	k := e.st.keypairByPK(c.id)
	if k == nil {
		return noMatch("CertificateKeyPair")
	}
	return resp{status: 200, body: e.renderKeypair(k)}
}

// deleteKeypair removes a key pair; providers' signing_key/encryption_key and
// proxy certificates pointing at it become null.
func (e *Emulator) deleteKeypair(c *call) resp {
	if !isUUID(c.id) {
		return notFound()
	}
	k := e.st.keypairByPK(c.id)
	if k == nil {
		return noMatch("CertificateKeyPair")
	}
	for _, p := range e.st.providers {
		for _, ref := range []**string{&p.SigningKey, &p.EncryptionKey, &p.Certificate} {
			if *ref != nil && **ref == k.PK {
				*ref = nil
			}
		}
	}
	out := e.st.keypairs[:0]
	for _, x := range e.st.keypairs {
		if x != k {
			out = append(out, x)
		}
	}
	e.st.keypairs = out
	return resp{status: 204}
}
