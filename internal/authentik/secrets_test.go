package authentik

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/plan"
)

// URL userinfo is dropped: it is never sent (the token authenticates) and
// never reaches BaseURL, which outputs such as OPENID_ISSUER are built from.
func TestNewDropsURLUserinfo(t *testing.T) {
	t.Parallel()
	c, err := New(Config{URL: "https://admin:hunter2@auth.example.com/api/v3/", Token: "t"})
	require.NoError(t, err)
	assert.Equal(t, "https://auth.example.com", c.BaseURL())
	_, err = New(Config{URL: "ftp://admin:hunter2@auth.example.com", Token: "t"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
}

func TestSnapshotReportsClientSecrets(t *testing.T) {
	t.Parallel()
	var got []string
	c, err := New(Config{URL: "https://auth.example.com", Token: "t", OnSecret: func(v ...string) { got = append(got, v...) }})
	require.NoError(t, err)
	c.reportSecrets(&plan.Live{Providers: []plan.Provider{
		{Name: "a", Detail: &plan.OAuth2Detail{ClientSecret: "s3cret-a"}},
		{Name: "b", Detail: &plan.OAuth2Detail{}},
		{Name: "c"},
	}})
	assert.Equal(t, []string{"s3cret-a"}, got)
}
