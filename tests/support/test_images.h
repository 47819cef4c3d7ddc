// Real image files for tests: PNGs any decoder (a browser's too) reads.
#ifndef NEWSVAULT_TESTS_SUPPORT_TEST_IMAGES_H_
#define NEWSVAULT_TESTS_SUPPORT_TEST_IMAGES_H_

#include <cstdint>
#include <cstddef>
#include <string>
#include <string_view>

namespace newsvault::testing {

// A width x height PNG (8-bit RGB, every pixel the colour 0xRRGGBB), with
// its chunks' CRCs and zlib stream as ISO/IEC 15948 requires.
std::string make_png(std::uint32_t width, std::uint32_t height, std::uint32_t rgb);

// How many pixels of `png` (8-bit RGB or RGBA, not interlaced: what
// make_png and Chromium's screenshots write) are within 40 of colour
// 0xRRGGBB on each channel. Throws std::runtime_error on any other PNG.
std::size_t count_png_pixels(std::string_view png, std::uint32_t rgb);

}  // namespace newsvault::testing

#endif  // NEWSVAULT_TESTS_SUPPORT_TEST_IMAGES_H_
