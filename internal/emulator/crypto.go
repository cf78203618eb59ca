package emulator

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"
)

// keypair is a crypto.CertificateKeyPair with a real X.509 certificate and
// (optionally) its private key, built like authentik/crypto/builder.py. The
// read-only fields (fingerprints, expiry, subject, key type) are derived from
// the certificate as authentik/crypto/signals.py does.
type keypair struct {
	PK       string
	Name     string
	KeyType  string // rsa, ec, ed25519
	Managed  *string
	CertPEM  string
	KeyPEM   string // "" without a private key
	cert     *x509.Certificate
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

// fingerprint is hexlify(cert.fingerprint(h), ":").
func fingerprint(sum []byte) *string {
	h := hex.EncodeToString(sum)
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	s := strings.Join(parts, ":")
	return &s
}

// rfc4514 is cryptography's Name.rfc4514_string(): the RDNs of the raw
// subject, last first.
func rfc4514(raw []byte) string {
	var seq pkix.RDNSequence
	if _, err := asn1.Unmarshal(raw, &seq); err != nil {
		return ""
	}
	return seq.String()
}

func (e *Emulator) renderKeypair(k *keypair) map[string]any {
	exp := k.cert.NotAfter.UTC().Format(time.RFC3339)
	base := "/api/v3/crypto/certificatekeypairs/" + k.PK
	s256 := sha256.Sum256(k.cert.Raw)
	s1 := sha1.Sum(k.cert.Raw)
	m := toMap(keypairOut{
		PK: k.PK, Name: k.Name,
		FingerprintSHA256:      fingerprint(s256[:]),
		FingerprintSHA1:        fingerprint(s1[:]),
		CertExpiry:             &exp,
		CertSubject:            strPtr(rfc4514(k.cert.RawSubject)),
		PrivateKeyAvailable:    k.KeyPEM != "",
		KeyType:                strPtr(k.KeyType),
		CertificateDownloadURL: base + "/view_certificate/?download",
		PrivateKeyDownloadURL:  base + "/view_private_key/?download",
		Managed:                k.Managed,
	})
	e.applyOverrides("certificatekeypair", k.Name, m)
	return m
}

// AddKeypair stores a key pair named name with a self-signed certificate
// (keyType "rsa", "ec" or "ed25519"), with or without its private key, and
// returns its pk.
func (e *Emulator) AddKeypair(name, keyType string, hasKey bool) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.addKeypair(name, keyType, hasKey, 365, nil).PK
}

var fixtureKey = sync.OnceValue(func() *rsa.PrivateKey {
	block, _ := pem.Decode([]byte(fixtureRSAKey))
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		panic(fmt.Errorf("emulator: fixture key: %w", err))
	}
	return k
})

// authentikVersion is what the emulated server reports (issuer of its certificates).
const authentikVersion = "2026.2.2"

// addKeypair is CertificateBuilder(name).build(validity_days, sans).save().
func (e *Emulator) addKeypair(name, keyType string, hasKey bool, validityDays int, sans []string) *keypair {
	var signer crypto.Signer
	var keyPEM string
	switch keyType {
	case "ec":
		k, err := ecdsa.GenerateKey(elliptic.P256(), crand.Reader)
		if err != nil {
			panic(err)
		}
		der, _ := x509.MarshalECPrivateKey(k)
		signer, keyPEM = k, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
	case "ed25519":
		_, k, err := ed25519.GenerateKey(crand.Reader)
		if err != nil {
			panic(err)
		}
		der, _ := x509.MarshalPKCS8PrivateKey(k)
		signer, keyPEM = k, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	default:
		keyType = "rsa"
		signer, keyPEM = fixtureKey(), fixtureRSAKey
	}
	cn := name
	if len(cn) > 64 {
		cn = cn[:64]
	}
	attr := func(oid asn1.ObjectIdentifier, v string) pkix.AttributeTypeAndValue {
		return pkix.AttributeTypeAndValue{Type: oid, Value: v}
	}
	serial := new(big.Int).SetBytes([]byte(strings.ReplaceAll(e.newUUID(), "-", "")))
	now := time.Now().UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{
			attr(asn1.ObjectIdentifier{2, 5, 4, 3}, cn), attr(asn1.ObjectIdentifier{2, 5, 4, 10}, "authentik"),
			attr(asn1.ObjectIdentifier{2, 5, 4, 11}, "Self-signed")}},
		NotBefore: now.AddDate(0, 0, -1),
		NotAfter:  now.AddDate(0, 0, validityDays),
	}
	if len(sans) > 0 {
		var names []asn1.RawValue
		for _, s := range sans {
			names = append(names, asn1.RawValue{Tag: 2, Class: asn1.ClassContextSpecific, Bytes: []byte(s)})
		}
		val, _ := asn1.Marshal(names)
		tmpl.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 17}, Critical: true, Value: val}}
	}
	issuer := &x509.Certificate{Subject: pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{
		attr(asn1.ObjectIdentifier{2, 5, 4, 3}, "authentik "+authentikVersion)}}}
	der, err := x509.CreateCertificate(crand.Reader, tmpl, issuer, signer.Public(), signer)
	if err != nil {
		panic(fmt.Errorf("emulator: build certificate: %w", err))
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(fmt.Errorf("emulator: parse certificate: %w", err))
	}
	if !hasKey {
		keyPEM = ""
	}
	k := &keypair{PK: e.newUUID(), Name: name, KeyType: keyType, cert: cert, KeyPEM: keyPEM,
		CertPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
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
		if b, err := parseBool(c.last("has_key")); err == nil && b && k.KeyPEM == "" {
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
		// SAML signing/verification/encryption_kp, LDAP certificate: SET_NULL.
		for f, v := range p.Attrs {
			if v == k.PK {
				p.Attrs[f] = nil
			}
		}
	}
	e.st.clearBrandRefs(k.PK)
	out := e.st.keypairs[:0]
	for _, x := range e.st.keypairs {
		if x != k {
			out = append(out, x)
		}
	}
	e.st.keypairs = out
	return resp{status: 204}
}

func (e *Emulator) keypairFromURL(c *call) (*keypair, *resp) {
	if !isUUID(c.id) {
		r := notFound()
		return nil, &r
	}
	k := e.st.keypairByPK(c.id)
	if k == nil {
		r := noMatch("CertificateKeyPair")
		return nil, &r
	}
	return k, nil
}

// viewKeypairData is CertificateKeyPairViewSet.view_certificate /
// view_private_key: {"data": <PEM>}, or the PEM file with ?download.
func (e *Emulator) viewKeypairData(private bool) handler {
	return func(c *call) resp {
		k, r := e.keypairFromURL(c)
		if r != nil {
			return *r
		}
		data, suffix := k.CertPEM, "certificate"
		if private {
			data, suffix = k.KeyPEM, "private_key"
		}
		if _, ok := c.q["download"]; ok {
			return resp{status: http.StatusOK, body: rawBody(data), hdr: http.Header{
				"Content-Type":        {"application/x-pem-file"},
				"Content-Disposition": {fmt.Sprintf(`attachment; filename="%s_%s.pem"`, k.Name, suffix)},
			}}
		}
		return resp{status: http.StatusOK, body: map[string]any{"data": data}}
	}
}

// writeKeypair is CertificateKeyPairSerializer's create and update
// (authentik/crypto/api.py): name unique, certificate_data parsed
// (validate_certificate_data), key_data parsed when not blank
// (validate_key_data); key_type and the fingerprints follow from the PEM.
func (e *Emulator) writeKeypair(c *call, k *keypair) *resp {
	f, perr := parseForm(c.body, k != nil && c.r != nil && c.r.Method == http.MethodPatch)
	if perr != nil {
		return perr
	}
	next := keypair{}
	if k != nil {
		next = *k
	}
	if f.str("name", true, false, &next.Name) {
		for _, o := range e.st.keypairs {
			if o.Name == next.Name && o != k {
				f.fail("name", "Certificate-Key Pair with this name already exists.")
			}
		}
	}
	var certPEM string
	if f.str("certificate_data", true, false, &certPEM) {
		block, _ := pem.Decode([]byte(certPEM))
		var cert *x509.Certificate
		if block != nil {
			cert, _ = x509.ParseCertificate(block.Bytes)
		}
		if cert == nil {
			f.fail("certificate_data", "Unable to load certificate.")
		} else {
			next.cert, next.CertPEM = cert, certPEM
			next.KeyType = keyTypeOf(cert.PublicKey)
		}
	}
	var keyPEM string
	if f.str("key_data", false, true, &keyPEM) {
		if keyPEM != "" && !parsesAsKey(keyPEM) {
			f.fail("key_data", "Unable to load private key (possibly encrypted?).")
		} else {
			next.KeyPEM = keyPEM
		}
	}
	if !f.ok() {
		r := f.result()
		return &r
	}
	if k == nil {
		next.PK = e.newUUID()
		e.st.keypairs = append(e.st.keypairs, &next)
		r := resp{status: http.StatusCreated, body: e.renderKeypair(&next)}
		return &r
	}
	*k = next
	r := resp{status: http.StatusOK, body: e.renderKeypair(k)}
	return &r
}

func (e *Emulator) createKeypair(c *call) resp { return *e.writeKeypair(c, nil) }

func (e *Emulator) updateKeypair(c *call) resp {
	k, r := e.keypairFromURL(c)
	if r != nil {
		return *r
	}
	return *e.writeKeypair(c, k)
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

// parsesAsKey is load_pem_private_key(password=None) on the stripped lines.
func parsesAsKey(s string) bool {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		lines = append(lines, strings.TrimSpace(l))
	}
	block, _ := pem.Decode([]byte(strings.Join(lines, "\n")))
	if block == nil {
		return false
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		return true
	}
	if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return true
	}
	_, err := x509.ParseECPrivateKey(block.Bytes)
	return err == nil
}

// generateKeypair is CertificateKeyPairViewSet.generate
// (authentik/crypto/api.py): CertificateGenerationSerializer (common_name
// unique as the name, subject_alt_name a comma list, validity_days, alg
// rsa or ecdsa), CertificateBuilder(common_name).build(...).save(): the
// pair is named by its common name, and the answer is a 200.
func (e *Emulator) generateKeypair(c *call) resp {
	f, perr := parseForm(c.body, false)
	if perr != nil {
		return *perr
	}
	var name, sans, alg string
	var days int
	if f.str("common_name", true, false, &name) {
		for _, o := range e.st.keypairs {
			if o.Name == name {
				f.fail("common_name", "This field must be unique.")
			}
		}
	}
	f.str("subject_alt_name", false, true, &sans)
	f.integer("validity_days", true, -2147483648, 2147483647, &days)
	alg = "rsa"
	f.choice("alg", false, []string{"rsa", "ecdsa"}, &alg)
	if !f.ok() {
		return f.result()
	}
	var list []string
	if sans != "" {
		for _, s := range strings.Split(sans, ",") {
			if strings.TrimSpace(s) != "" {
				list = append(list, s)
			}
		}
	}
	keyType := "rsa"
	if alg == "ecdsa" {
		keyType = "ec"
	}
	k := e.addKeypair(name, keyType, true, days, list)
	return resp{status: http.StatusOK, body: e.renderKeypair(k)}
}
