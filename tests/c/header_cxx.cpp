// The header compiles as C++ (extern "C", no C-only constructs) and links from C++.
#include <cstdio>
#include <cstring>

#include "tuma.h"

int main() {
  if (std::strcmp(tuma_version(), TUMA_VERSION) != 0) return 1;
  tuma_result r = TUMA_RESULT_OK;
  char *out = nullptr;
  r = tuma_phone_normalize("{\"phone\":\"0712345678\"}", &out);
  if (r != TUMA_RESULT_OK || out == nullptr || std::strstr(out, "254712345678") == nullptr) return 1;
  tuma_string_free(out);
  tuma_client *client = nullptr;
  if (tuma_client_new(nullptr, &client) != TUMA_RESULT_NULL_PARAMETER || client != nullptr) return 1;
  std::printf("header_cxx: ok\n");
  return 0;
}
