package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// SetField changes one field of a stored object the way an admin editing it
// in authentik's web UI would (to simulate drift): it runs the kind's PATCH
// with {field: value}, so authentik's validation, normalisation and side
// effects apply, and returns an error carrying the 400 body if the value is
// refused. kind is the kind name of any kind on the generic layer that
// serves PATCH (kinds.go; e.g. application, oauth2provider, proxyprovider,
// samlprovider, ldapprovider, scopemapping, samlpropertymapping, outpost,
// group, flow, prompt, identificationstage); key is the kind's key: the
// slug for applications and flows, the name for the others.
func (e *Emulator) SetField(kind, key, field string, value any) error {
	body, err := json.Marshal(map[string]any{field: value})
	if err != nil {
		return fmt.Errorf("set field %s.%s: %w", kind, field, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	id, prefix, ok := e.resolveKey(kind, key)
	if !ok {
		return fmt.Errorf("set field %s.%s: no %s %q", kind, field, kind, key)
	}
	path := httpapi.APIPrefix + prefix + id + "/"
	r := &http.Request{Method: http.MethodPatch, Host: "emulator", URL: &url.URL{Path: path}, Header: http.Header{}}
	var h handler
	for _, rt := range e.routes() {
		if rt.prefix == prefix {
			h = rt.detail[http.MethodPatch]
		}
	}
	if h == nil {
		return fmt.Errorf("set field %s.%s: kind %q cannot be edited", kind, field, kind)
	}
	res := h(&httpapi.Call{R: r, Body: body, Q: url.Values{}, ID: id, User: e.st.AdminPK})
	if res.Status != http.StatusOK {
		b, _ := json.Marshal(res.Body)
		return fmt.Errorf("set field %s.%s: %d %s", kind, field, res.Status, b)
	}
	return nil
}

// resolveKey finds the URL id and route prefix of an object by its key.
// Called with e.mu held.
func (e *Emulator) resolveKey(kind, key string) (id, prefix string, ok bool) {
	for _, k := range genericKinds {
		rt := k.route(e)
		if k.kindName() == kind {
			id, ok := k.setField(e, key)
			return id, rt.prefix, ok
		}
	}
	return "", "", false
}
