package authentik

import (
	"context"
	"net/http"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

// anyMappingIO reads propertymappings/all/: every property mapping of every
// type, for the plan's name-uniqueness check (plan/mapping_names.go).
var anyMappingIO = kindIO{read: func(r *reader, live *plan.Live) {
	read(r, "list property mappings", plan.KindAnyMapping, "name", func(m *api.PropertyMapping) plan.AnyMapping {
		return plan.AnyMapping{PK: m.Pk, Name: m.Name, Type: m.VerboseName, Managed: nullString(m.Managed)}
	}, &live.AnyMappings, func(ctx context.Context, page int32) (*http.Response, error) {
		_, resp, err := r.c.api.PropertymappingsApi.PropertymappingsAllList(ctx).Page(page).PageSize(pageSize).Execute()
		return resp, err
	})
}}
