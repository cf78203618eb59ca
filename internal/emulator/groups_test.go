package emulator_test

import (
	"testing"

	api "goauthentik.io/api/v3"
)

func TestGroups(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bob := e.emu.AddUser("bob")
	req := api.NewGroupRequest("devs")
	req.SetUsers([]int32{bob, e.emu.AdminUserPK()})
	req.SetAttributes(map[string]any{"team": "core"})
	g := res(e.c.CoreApi.CoreGroupsCreate(e.ctx).GroupRequest(*req).Execute()).must(t)
	if len(g.Users) != 2 || len(g.UsersObj) != 2 || g.NumPk == 0 {
		t.Fatalf("create: %+v", g)
	}
	if st, body := e.raw("POST", "/api/v3/core/groups/", `{"name":"devs"}`); st != 400 || body != `{"name":["Group with this name already exists."]}` {
		t.Errorf("duplicate: %d %s", st, body)
	}
	// include_users=false drops users_obj.
	l := res(e.c.CoreApi.CoreGroupsList(e.ctx).Name("devs").IncludeUsers(false).Execute()).must(t)
	if len(l.Results) != 1 || l.Results[0].UsersObj != nil {
		t.Errorf("include_users=false: %+v", l.Results)
	}
	byMember := res(e.c.CoreApi.CoreGroupsList(e.ctx).MembersByPk([]int32{bob}).Execute()).must(t)
	if len(byMember.Results) != 1 {
		t.Errorf("members_by_pk: %d", len(byMember.Results))
	}
	// PATCH without users keeps them; PUT without users drops them.
	patch := api.NewPatchedGroupRequest()
	patch.SetIsSuperuser(false)
	g = res(e.c.CoreApi.CoreGroupsPartialUpdate(e.ctx, g.Pk).PatchedGroupRequest(*patch).Execute()).must(t)
	if len(g.Users) != 2 {
		t.Errorf("PATCH dropped users")
	}
	g = res(e.c.CoreApi.CoreGroupsUpdate(e.ctx, g.Pk).GroupRequest(*api.NewGroupRequest("devs")).Execute()).must(t)
	if len(g.Users) != 0 {
		t.Errorf("PUT without users must clear members, got %v", g.Users)
	}
	if g.Attributes["team"] != "core" {
		t.Errorf("PUT without attributes must keep them: %v", g.Attributes)
	}
	// Parents and children.
	child := api.NewGroupRequest("child")
	child.SetParents([]string{g.Pk})
	c := res(e.c.CoreApi.CoreGroupsCreate(e.ctx).GroupRequest(*child).Execute()).must(t)
	parent := res(e.c.CoreApi.CoreGroupsRetrieve(e.ctx, g.Pk).Execute()).must(t)
	if len(parent.Children) != 1 || parent.Children[0] != c.Pk {
		t.Errorf("children: %v", parent.Children)
	}
	if st, _ := e.raw("DELETE", "/api/v3/core/groups/"+g.Pk+"/", ""); st != 204 {
		t.Errorf("delete: %d", st)
	}
	c = res(e.c.CoreApi.CoreGroupsRetrieve(e.ctx, c.Pk).Execute()).must(t)
	if len(c.Parents) != 0 {
		t.Errorf("parent link survived deletion: %v", c.Parents)
	}
}

func TestBindings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.app("bound", 0)
	g := res(e.c.CoreApi.CoreGroupsCreate(e.ctx).GroupRequest(*api.NewGroupRequest("g")).Execute()).must(t)
	admin := e.emu.AdminUserPK()
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"neither", "POST", "/api/v3/policies/bindings/", `{"target":"` + a.Pk + `","order":0}`,
			400, `{"non_field_errors":["One of 'group', 'policy', 'user' must be set."]}`},
		{"both", "POST", "/api/v3/policies/bindings/", `{"target":"` + a.Pk + `","order":0,"group":"` + g.Pk + `","user":` + itoa(admin) + `}`,
			400, `{"non_field_errors":["Only one of 'group', 'policy', 'user' can be set."]}`},
		{"unknown target", "POST", "/api/v3/policies/bindings/", `{"target":"00000000-0000-4000-8000-000000000000","order":0,"group":"` + g.Pk + `"}`,
			400, `{"target":["Invalid pk \"00000000-0000-4000-8000-000000000000\" - object does not exist."]}`},
		{"order required", "POST", "/api/v3/policies/bindings/", `{"target":"` + a.Pk + `","group":"` + g.Pk + `"}`,
			400, `{"order":["This field is required."]}`},
		{"unknown target filter", "GET", "/api/v3/policies/bindings/?target=00000000-0000-4000-8000-000000000000", "",
			400, `{"target":["Select a valid choice. That choice is not one of the available choices."]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := e.raw(tc.method, tc.path, tc.body)
			if st != tc.status || body != tc.want {
				t.Errorf("got %d %s, want %d %s", st, body, tc.status, tc.want)
			}
		})
	}
	req := api.NewPolicyBindingRequest(a.Pk, 0)
	req.SetGroup(g.Pk)
	b := res(e.c.PoliciesApi.PoliciesBindingsCreate(e.ctx).PolicyBindingRequest(*req).Execute()).must(t)
	if b.GroupObj.Name != "g" || !b.GetEnabled() || b.GetTimeout() != 30 {
		t.Errorf("binding: %+v", b)
	}
	l := res(e.c.PoliciesApi.PoliciesBindingsList(e.ctx).Target(a.Pk).Execute()).must(t)
	if len(l.Results) != 1 {
		t.Errorf("target filter: %d", len(l.Results))
	}
	// PATCH without target crashes authentik.
	if st, _ := e.raw("PATCH", "/api/v3/policies/bindings/"+b.Pk+"/", `{"order":5}`); st != 500 {
		t.Errorf("PATCH without target: %d, want 500", st)
	}
	if st, _ := e.raw("PATCH", "/api/v3/policies/bindings/"+b.Pk+"/", `{"target":"`+a.Pk+`","order":5}`); st != 400 {
		t.Errorf("PATCH with target but no subject: %d, want 400", st)
	}
	// Deleting the group deletes its bindings.
	if st, _ := e.raw("DELETE", "/api/v3/core/groups/"+g.Pk+"/", ""); st != 204 {
		t.Fatalf("delete group: %d", st)
	}
	if st, _ := e.raw("GET", "/api/v3/policies/bindings/"+b.Pk+"/", ""); st != 404 {
		t.Errorf("binding survived group deletion: %d", st)
	}
}
