#include "feed/feed.h"
