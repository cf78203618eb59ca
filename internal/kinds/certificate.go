package kinds

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"strings"
	"time"
)

// Certificates: authentik's certificate-key pairs
// (authentik/crypto/api.py CertificateKeyPairSerializer on
// authentik/crypto/models.py CertificateKeyPair), keyed by name. Imported
// from PEM (certificate_file, or certificate_data from a variable; the key
// only from key_file or a sensitive variable), or generated once by
// CertificateKeyPairViewSet.generate (generate:) and never again. The PEM
// and the key are write-only: plans compare and show the certificate's
// SHA-256 fingerprint and expiry, computed from the PEM as
// authentik/crypto/models.py (fingerprint_sha256, cert_expiry) does.
var certificate = &Kind{
	Name:    "certificate",
	Section: "certificates",
	Path:    "crypto/certificatekeypairs/",
	Model:   "authentik_crypto.certificatekeypair",
	Schema:  "CertificateKeyPairRequest",
	Key:     "name",
	PK:      "pk",
	Managed: "managed",
	// authentik/crypto/apps.py AuthentikCryptoConfig.self_signed creates it
	// at startup (no managed value, no blueprint).
	Builtin:       []string{"authentik Self-signed Certificate"},
	Files:         map[string]string{"certificate_file": "certificate_data", "key_file": "key_data"},
	SensitiveOnly: []string{"key_data"},
	Digests:       map[string]func(string) ([]Digest, error){"certificate_data": CertificateDigests},
	Expires:       "cert_expiry",
	SendTogether:  [][]string{{"certificate_data", "key_data"}},
	CreateVia: &CreateVia{Field: "generate", Path: "generate/", Schema: "CertificateGenerationRequest",
		NameField: "common_name", Defaults: map[string]any{"validity_days": 365, "alg": "rsa"},
		Doc: "Generate a self-signed certificate and key in authentik, once: a certificate that exists is never generated again. common_name defaults to the name."},
	Check: checkCertificate,
	Docs: map[string]string{
		"name":             "Certificate name, its key: an existing certificate of that name is adopted.",
		"certificate_data": "The PEM certificate, from a variable (or certificate_file). Plans show its SHA-256 fingerprint and expiry.",
		"key_data":         "The PEM private key, only from a sensitive variable (or key_file); never shown, never compared.",
	},
	Doc: "A certificate-key pair: imported from PEM, or generated once by authentik.",
}

func init() { Register(certificate) }

// checkCertificate: a certificate is imported or generated, not both, and
// a key goes with a certificate.
func checkCertificate(_ string, f map[string]any, absent bool) []Problem {
	if absent {
		return nil
	}
	_, pem := f["certificate_data"]
	_, key := f["key_data"]
	_, gen := f["generate"]
	switch {
	case pem && gen:
		return []Problem{{"generate", "give the certificate (certificate_file or certificate_data) or generate:, not both"}}
	case key && !pem:
		return []Problem{{"key_data", "a private key needs its certificate: add certificate_file"}}
	}
	return nil
}

// CertificateDigests are a PEM certificate's SHA-256 fingerprint (as
// authentik shows it: lower-case hex pairs joined by colons) and expiry.
func CertificateDigests(value string) ([]Digest, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(value)))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("is not a PEM certificate (-----BEGIN CERTIFICATE-----), so authentik would refuse it (\"Unable to load certificate.\")")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, errors.New("holds a certificate that does not parse, so authentik would refuse it (\"Unable to load certificate.\")")
	}
	sum := sha256.Sum256(cert.Raw)
	h := hex.EncodeToString(sum[:])
	pairs := make([]string, 0, len(sum))
	for i := 0; i < len(h); i += 2 {
		pairs = append(pairs, h[i:i+2])
	}
	return []Digest{{"fingerprint_sha256", strings.Join(pairs, ":")},
		{"cert_expiry", cert.NotAfter.UTC().Format(time.RFC3339)}}, nil
}
