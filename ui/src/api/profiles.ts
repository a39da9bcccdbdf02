// `profiles_*` commands. Tokens go to the shell (and from there to the OS keyring) only.
import type { Transport } from "./transport";
import type { Profile, ProfileInput, ProfileTestResult } from "./types";

export function profilesApi(t: Transport) {
  return {
    list: () => t.invoke<Profile[]>("profiles_list"),
    save: (profile: ProfileInput) => t.invoke<Profile>("profiles_save", { profile }),
    remove: (id: string) => t.invoke<void>("profiles_delete", { id }),
    test: (url: string, token?: string) =>
      t.invoke<ProfileTestResult>("profiles_test", token ? { url, token } : { url }),
  };
}
export type ProfilesApi = ReturnType<typeof profilesApi>;
