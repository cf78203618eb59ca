package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
)

// ObjectPrint is the fingerprint of one live object as a plan read it: a
// SHA-256 of its fields, secrets left out (see Fingerprints).
type ObjectPrint struct {
	Kind   Kind   `json:"kind"`
	Key    string `json:"key"`
	PK     string `json:"pk,omitempty"`
	Digest string `json:"sha256"`
}

// liveKinds names the kind of each Live field; a field missing here is
// fingerprinted under its Go field name (TestFingerprintsCoverLive).
var liveKinds = map[string]Kind{
	"Flows":        KindFlow,
	"KeyPairs":     KindKeyPair,
	"SAMLMappings": KindSAMLMapping,
	"AnyMappings":  KindAnyMapping,
	"Providers":    KindProvider,
	"Applications": KindApplication,
	"Bindings":     KindBinding,
	"Outposts":     KindOutpost,
	"Stacks":       KindStack,
	"Objects":      "", // by each object's own kind (entries.go)
	"Now":          "", // when the snapshot was read: no object, not fingerprinted
	"Moves":        "", // the manifest's renames (safe.go): no object
}

// Fingerprints returns a fingerprint of every object in the snapshot, sorted
// by kind and key. An object's key is its slug, else its name; a binding's
// key is the pk of the object it binds to (its target), so the bindings of
// one application share a key. Fields whose name says they hold a secret
// (…Secret…, …Password…) are left out of the digest: a saved plan must not
// let anyone test guesses of a secret offline. A change of such a field
// alone still makes a saved plan stale when the manifest declares it,
// because the re-computed plan then differs.
func Fingerprints(l *Live) []ObjectPrint {
	var out []ObjectPrint
	v := reflect.ValueOf(l).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Name == "Objects" {
			for kind, objs := range l.Objects {
				if kind == KindPermission {
					continue // the server's catalogue, not objects a plan changes
				}
				for _, o := range objs {
					p := fingerprint(kind, o.Fields)
					p.Key, p.PK = o.Key, o.PK
					out = append(out, p)
				}
			}
			continue
		}
		if f.Name == "Unreadable" || v.Field(i).Kind() != reflect.Slice {
			continue
		}
		kind, ok := liveKinds[f.Name]
		if !ok {
			kind = Kind(f.Name)
		}
		s := v.Field(i)
		for j := 0; j < s.Len(); j++ {
			out = append(out, fingerprint(kind, s.Index(j).Interface()))
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].PK < out[j].PK
	})
	return out
}

func fingerprint(kind Kind, obj any) ObjectPrint {
	b, _ := json.Marshal(obj) // live types are plain data: never fails
	var fields map[string]any
	_ = json.Unmarshal(b, &fields)
	stripSecrets(fields)
	canon, _ := json.Marshal(fields) // map keys are sorted: canonical
	sum := sha256.Sum256(canon)
	p := ObjectPrint{Kind: kind, Digest: hex.EncodeToString(sum[:])}
	p.PK = str(fields["PK"])
	switch {
	case kind == KindBinding:
		p.Key = str(fields["Target"])
	case str(fields["Slug"]) != "":
		p.Key = str(fields["Slug"])
	default:
		p.Key = str(fields["Name"])
	}
	return p
}

func str(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		b, _ := json.Marshal(t)
		return string(b)
	}
	return ""
}

func stripSecrets(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			lk := strings.ToLower(k)
			if strings.Contains(lk, "secret") || strings.Contains(lk, "password") {
				delete(t, k)
				continue
			}
			stripSecrets(x)
		}
	case []any:
		for _, x := range t {
			stripSecrets(x)
		}
	}
}

// Touched returns the keys (see Ref) of the live objects a change writes
// to: the object itself, and for access the bindings of the application
// (keyed by the application's pk, as Fingerprints keys bindings). A create
// touches nothing that exists yet.
func Touched(c *Change, l *Live) []string {
	if c.Action == Create && c.Kind != KindAccess {
		return nil
	}
	if c.Kind == KindAccess {
		for _, a := range l.Applications {
			if a.Slug == c.Key {
				return []string{Ref(KindBinding, a.PK)}
			}
		}
		return nil
	}
	return []string{Ref(c.Kind, c.Key)}
}
