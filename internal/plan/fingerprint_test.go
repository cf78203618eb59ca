package plan

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFingerprintsCoverLive(t *testing.T) {
	t.Parallel()
	lt := reflect.TypeOf(Live{})
	for i := 0; i < lt.NumField(); i++ {
		f := lt.Field(i)
		if f.Name == "Unreadable" {
			continue
		}
		assert.Contains(t, liveKinds, f.Name, "Live.%s needs a kind in liveKinds", f.Name)
	}
}

func TestFingerprintsLeaveSecretsOutButSeeEveryOtherField(t *testing.T) {
	t.Parallel()
	live := func(secret, uri string) *Live {
		return &Live{Providers: []Provider{{PK: 7, Name: "p", Type: "oauth2", Detail: &OAuth2Detail{
			ClientID: "id", ClientSecret: secret, RedirectURIs: []RedirectURI{{MatchingMode: "strict", URL: uri}},
		}}}}
	}
	a := Fingerprints(live("s3cret-one", "https://a/cb"))
	require.Len(t, a, 1)
	assert.Equal(t, ObjectPrint{Kind: KindProvider, Key: "p", PK: "7", Digest: a[0].Digest}, a[0])
	assert.Equal(t, a, Fingerprints(live("other-secret", "https://a/cb")), "the secret is not part of the digest")
	assert.NotEqual(t, a, Fingerprints(live("s3cret-one", "https://b/cb")), "any other field is")
	b, _ := json.Marshal(a)
	assert.NotContains(t, string(b), "s3cret")
}

func TestTouchedAccessIsTheApplicationsBindings(t *testing.T) {
	t.Parallel()
	live := &Live{
		Applications: []Application{{PK: "app-uuid", Slug: "chat"}},
		Bindings:     []Binding{{PK: "b1", Target: "app-uuid", Group: "g"}, {PK: "b2", Target: "other"}},
	}
	assert.Equal(t, []string{Ref(KindBinding, "app-uuid")}, Touched(&Change{Kind: KindAccess, Key: "chat", Action: Update}, live))
	assert.Nil(t, Touched(&Change{Kind: KindGroup, Key: "g", Action: Create}, live))
	assert.Equal(t, []string{Ref(KindGroup, "g")}, Touched(&Change{Kind: KindGroup, Key: "g", Action: Delete}, live))
	keys := map[string]bool{}
	for _, p := range Fingerprints(live) {
		keys[Ref(p.Kind, p.Key)] = true
	}
	assert.True(t, keys[Ref(KindBinding, "app-uuid")])
}
