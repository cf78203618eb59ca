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

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

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

func (e *Emulator) renderKeypair(k *store.Keypair) map[string]any {
	exp := k.Cert.NotAfter.UTC().Format(time.RFC3339)
	base := "/api/v3/crypto/certificatekeypairs/" + k.PK
	s256 := sha256.Sum256(k.Cert.Raw)
	s1 := sha1.Sum(k.Cert.Raw)
	return httpapi.ToMap(keypairOut{
		PK: k.PK, Name: k.Name,
		FingerprintSHA256:      fingerprint(s256[:]),
		FingerprintSHA1:        fingerprint(s1[:]),
		CertExpiry:             &exp,
		CertSubject:            store.StrPtr(rfc4514(k.Cert.RawSubject)),
		PrivateKeyAvailable:    k.KeyPEM != "",
		KeyType:                store.StrPtr(k.KeyType),
		CertificateDownloadURL: base + "/view_certificate/?download",
		PrivateKeyDownloadURL:  base + "/view_private_key/?download",
		Managed:                k.Managed,
	})
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

// fixtureCerts are the certificates signed with the fixture key, by
// name, validity, SANs and serial (the emulator's seeded random numbers,
// so every emulator of one seed asks for the same two at start-up). Each
// is signed once per process: RSA signing was a quarter of the CPU of the
// end-to-end tests. A reused certificate keeps the dates of its first
// signing.
var fixtureCerts sync.Map // string -> []byte (DER)

// authentikVersion is what the emulated server reports (issuer of its certificates).
const authentikVersion = "2026.2.2"

// addKeypair is CertificateBuilder(name).build(validity_days, sans).save().
func (e *Emulator) addKeypair(name, keyType string, hasKey bool, validityDays int, sans []string) *store.Keypair {
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
	var der []byte
	var err error
	memo := fmt.Sprintf("%s\x00%d\x00%q\x00%s", name, validityDays, sans, serial)
	if keyType == "rsa" {
		if d, ok := fixtureCerts.Load(memo); ok {
			der = d.([]byte)
		}
	}
	if der == nil {
		der, err = x509.CreateCertificate(crand.Reader, tmpl, issuer, signer.Public(), signer)
		if err == nil && keyType == "rsa" {
			fixtureCerts.Store(memo, der)
		}
	}
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
	k := &store.Keypair{PK: e.newUUID(), Name: name, KeyType: keyType, Cert: cert, KeyPEM: keyPEM,
		CertPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
	k.Attrs = map[string]any{"name": k.Name, "certificate_data": k.CertPEM, "key_data": k.KeyPEM}
	e.st.Keypairs = append(e.st.Keypairs, k)
	return k
}

// keypairKind serves crypto/certificatekeypairs/
// (authentik/crypto/api.py, CertificateKeyPairSerializer,
// CertificateKeyPairViewSet, CertificateKeyPairFilter): name unique,
// certificate_data and key_data write-only and checked as PEM
// (validate_certificate_data, validate_key_data), everything else rendered
// from the certificate; generate/ builds a pair as CertificateBuilder does.
var keypairKind = &kindDef[*store.Keypair]{
	kind: "certificatekeypair", model: "CertificateKeyPair", metaModel: "authentik_crypto.certificatekeypair",
	prefix: "crypto/certificatekeypairs/",
	fields: []fieldDef{
		{name: "name", typ: ftString, required: true, unique: "Certificate-Key Pair with this name already exists."},
		{name: "certificate_data", typ: ftString, required: true, writeOnly: true},
		{name: "key_data", typ: ftString, blank: true, writeOnly: true, def: ""},
	},
	list: httpapi.ListSpec{
		Filters:      []httpapi.FilterSpec{httpapi.Exact("name", "name"), httpapi.Exact("managed", "managed"), httpapi.InList("key_type", "key_type")},
		SearchFields: []string{"name"},
		Order:        []string{"name"},
	},
	choiceFilters: func(e *Emulator) (single, multi map[string][]string) {
		return nil, map[string][]string{"key_type": {"rsa", "ec", "dsa", "ed25519", "ed448"}}
	},
	// has_key=true keeps the key pairs with a private key.
	listFilter: func(e *Emulator, c *httpapi.Call) (func(*store.Keypair) bool, *httpapi.Resp) {
		hasKey, err := httpapi.ParseBool(c.Last("has_key"))
		return func(k *store.Keypair) bool { return err != nil || !hasKey || k.KeyPEM != "" }, nil
	},
	all: func(e *Emulator) []*store.Keypair {
		var out []*store.Keypair
		for _, k := range e.st.Keypairs {
			if !k.Internal {
				out = append(out, k)
			}
		}
		return out
	},
	byID: func(e *Emulator, id string) (*store.Keypair, bool) {
		k := e.st.KeypairByPK(id)
		return k, k != nil
	},
	fresh: func(e *Emulator) *store.Keypair { return &store.Keypair{Attrs: map[string]any{}} },
	clone: func(k *store.Keypair) *store.Keypair { n := *k; n.Attrs = cloneAttrs(k.Attrs); return &n },
	commit: func(_ *Emulator, dst, src *store.Keypair) {
		*dst = *src
		dst.SyncAttrs()
	},
	insert: func(e *Emulator, k *store.Keypair) {
		k.PK = e.newUUID()
		k.SyncAttrs()
		e.st.Keypairs = append(e.st.Keypairs, k)
	},
	// validate_certificate_data, validate_key_data.
	fieldChecks: func(e *Emulator, f *httpapi.Form, k *store.Keypair) {
		if f.Has("certificate_data") && f.Errs["certificate_data"] == nil && store.ParseCert(httpapi.FmtVal(k.Attrs["certificate_data"])) == nil {
			f.Fail("certificate_data", "Unable to load certificate.")
		}
		if key := httpapi.FmtVal(k.Attrs["key_data"]); f.Has("key_data") && f.Errs["key_data"] == nil && key != "" && !parsesAsKey(key) {
			f.Fail("key_data", "Unable to load private key (possibly encrypted?).")
		}
	},
	postActions: map[string]func(e *Emulator, c *httpapi.Call) httpapi.Resp{"generate": (*Emulator).generateKeypair},
	remove:      func(e *Emulator, k *store.Keypair) { e.st.DeleteKeypair(k) },
	attrs:       func(k *store.Keypair) map[string]any { return k.Attrs },
	key:         func(k *store.Keypair) string { return k.Name },
	pk:          func(k *store.Keypair) string { return k.PK },
	render:      func(e *Emulator, _ *httpapi.Call, k *store.Keypair) map[string]any { return e.renderKeypair(k) },
	fast: func(k *store.Keypair, name string) (any, bool) {
		if name == "name" {
			return k.Name, true
		}
		return nil, false
	},
	detailActions: map[string]kindAction[*store.Keypair]{
		"view_certificate": {fn: func(e *Emulator, c *httpapi.Call, k *store.Keypair) httpapi.Resp { return viewKeypairData(c, k, false) }},
		"view_private_key": {fn: func(e *Emulator, c *httpapi.Call, k *store.Keypair) httpapi.Resp { return viewKeypairData(c, k, true) }},
	},
}

// viewKeypairData is CertificateKeyPairViewSet.view_certificate /
// view_private_key: {"data": <PEM>}, or the PEM file with ?download.
func viewKeypairData(c *httpapi.Call, k *store.Keypair, private bool) httpapi.Resp {
	data, suffix := k.CertPEM, "certificate"
	if private {
		data, suffix = k.KeyPEM, "private_key"
	}
	if _, ok := c.Q["download"]; ok {
		return httpapi.Resp{Status: http.StatusOK, Body: httpapi.RawBody(data), Hdr: http.Header{
			"Content-Type":        {"application/x-pem-file"},
			"Content-Disposition": {fmt.Sprintf(`attachment; filename="%s_%s.pem"`, k.Name, suffix)},
		}}
	}
	return httpapi.Resp{Status: http.StatusOK, Body: map[string]any{"data": data}}
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
func (e *Emulator) generateKeypair(c *httpapi.Call) httpapi.Resp {
	f, perr := httpapi.ParseForm(c.Body, false)
	if perr != nil {
		return *perr
	}
	var name, sans, alg string
	var days int
	if f.Str("common_name", true, false, &name) {
		for _, o := range e.st.Keypairs {
			if o.Name == name {
				f.Fail("common_name", "This field must be unique.")
			}
		}
	}
	f.Str("subject_alt_name", false, true, &sans)
	f.Integer("validity_days", true, -2147483648, 2147483647, &days)
	alg = "rsa"
	f.Choice("alg", false, []string{"rsa", "ecdsa"}, &alg)
	if !f.Ok() {
		return f.Result()
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
	return httpapi.Resp{Status: http.StatusOK, Body: e.renderKeypair(k)}
}
