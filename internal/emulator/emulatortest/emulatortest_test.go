package emulatortest

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
)

// recordingTB captures errors instead of failing the real test.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errors...)
}

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// offContract serves an Application list item without its slug.
var offContract = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"pagination":{"next":0,"previous":0,"count":1,"current":1,"total_pages":1,"start_index":1,"end_index":1},"results":[{}],"autocomplete":{}}`)
})

func TestServeChecked(t *testing.T) {
	t.Parallel()
	rec := &recordingTB{TB: t}
	srv := serve(rec, offContract, true)
	status, _ := get(t, srv.URL+"/api/v3/core/applications/", "x")
	assert.Equal(t, 200, status)
	errs := rec.got()
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0], "core_applications_list response 200")
	assert.Contains(t, errs[0], `field "results/0/slug": property "slug" is missing`)
}

func TestServeUnchecked(t *testing.T) {
	t.Parallel()
	rec := &recordingTB{TB: t}
	srv := serve(rec, offContract, false)
	status, body := get(t, srv.URL+"/api/v3/core/applications/", "x")
	assert.Equal(t, 200, status)
	assert.True(t, strings.HasPrefix(body, `{"pagination"`))
	assert.Empty(t, rec.got())
}

// TestNewServer runs the real emulator behind the contract check.
func TestNewServer(t *testing.T) {
	t.Parallel()
	srv, emu := NewServer(t, emulator.Options{Token: "secret"})
	require.NotNil(t, emu)
	for _, path := range []string{
		"/api/v3/core/applications/",
		"/api/v3/providers/oauth2/",
		"/api/v3/providers/proxy/",
		"/api/v3/providers/all/",
		"/api/v3/outposts/instances/",
		"/api/v3/flows/instances/",
		"/api/v3/propertymappings/provider/scope/",
		"/api/v3/crypto/certificatekeypairs/",
		"/api/v3/core/groups/",
		"/api/v3/policies/bindings/",
		"/api/v3/core/users/me/",
		"/api/v3/admin/version/",
		"/api/v3/root/config/",
	} {
		status, body := get(t, srv.URL+path, "secret")
		assert.Equal(t, 200, status, "%s: %s", path, body)
	}
	status, _ := get(t, srv.URL+"/api/v3/core/applications/", "wrong")
	assert.Contains(t, []int{401, 403}, status, "a wrong token is refused")
}

func TestNewServerUnchecked(t *testing.T) {
	t.Parallel()
	srv, emu := NewServerUnchecked(t, emulator.Options{})
	require.NotNil(t, emu)
	status, _ := get(t, srv.URL+"/api/v3/core/applications/", "test-token")
	assert.Equal(t, 200, status)
}
