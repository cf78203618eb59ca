package emulator

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fast field reads lists use to filter and order without rendering
// must give exactly what rendering every object gives.
func TestFastFieldsListLikeFullRendering(t *testing.T) {
	e := New(Options{})
	e.SeedScale(25)
	e.mu.Lock()
	e.st.Apps[3].Attrs["group"], e.st.Apps[4].Attrs["group"] = "b-side", "a-side"
	e.st.Bindings[2].Attrs["order"], e.st.Bindings[5].Attrs["order"], e.st.Bindings[6].Attrs["enabled"] = int64(7), int64(-3), false
	e.st.Groups[4].Attrs["is_superuser"] = true
	e.mu.Unlock()
	app := e.AppPK("app-00003")
	for _, q := range []string{
		"core/applications/?superuser_full_list=true&ordering=-name&page_size=7&page=2",
		"core/applications/?superuser_full_list=true&ordering=group,-slug",
		"core/applications/?superuser_full_list=true&slug=app-00003",
		"core/applications/?superuser_full_list=true&search=app-0001",
		"core/applications/?superuser_full_list=true&group=a-side",
		"core/applications/?ordering=name",
		"providers/oauth2/?ordering=-name&page_size=7&page=2",
		"providers/oauth2/?client_type=confidential&name=provider-00004",
		"providers/oauth2/?ordering=client_id",
		"providers/all/?ordering=-pk&page_size=5",
		"providers/all/?search=provider-0002",
		"core/groups/?ordering=-name&page_size=9&page=2",
		"core/groups/?is_superuser=true",
		"core/groups/?search=group-0001&ordering=is_superuser",
		"policies/bindings/?ordering=-order,pk",
		"policies/bindings/?target=" + app,
		"policies/bindings/?enabled=false",
		"policies/bindings/?order=7",
		"policies/bindings/?ordering=target&page_size=3&page=4",
		"providers/saml/?ordering=-name",
		"propertymappings/provider/saml/?ordering=-name&page_size=5",
	} {
		get := func() string {
			req := httptest.NewRequest(http.MethodGet, "/api/v3/"+q, nil)
			req.Header.Set("Authorization", "Bearer "+e.Token())
			w := httptest.NewRecorder()
			e.ServeHTTP(w, req)
			require.Equal(t, http.StatusOK, w.Code, "%s: %s", q, w.Body.String())
			return w.Body.String()
		}
		fast := get()
		httpapi.NoFastFields = true
		full := get()
		httpapi.NoFastFields = false
		assert.Equal(t, full, fast, q)
	}
}
