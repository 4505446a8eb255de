package dev.vela.adapters.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NativeLibrariesTest {

    @Test
    void aLibraryThatCannotBeFoundListsEveryPlaceItWasLookedFor() {
        NativeLibraries.NotFound e = assertThrows(NativeLibraries.NotFound.class, () -> NativeLibraries.open("libnothing.so.1",
                List.of("/no/such/dir/libnothing.so.1", "libnothing.so.1"), List.of()));
        assertEquals(2, e.attempts().size());
        assertEquals(new NativeLibraries.Attempt("/no/such/dir/libnothing.so.1", "absent"), e.attempts().get(0));
        assertEquals("libnothing.so.1", e.attempts().get(1).candidate());
        assertTrue(e.getMessage().startsWith("libnothing.so.1 could not be opened; tried [/no/such/dir/libnothing.so.1 (absent), "
                + "libnothing.so.1 ("), e.getMessage());
    }

    @Test
    void aLibraryTheLoaderFindsBySonameIsLoaded() throws NativeLibraries.NotFound {
        NativeLibraries.Found found = NativeLibraries.open("libc", List.of("/no/such/libc.so.6", "libc.so.6"), List.of());
        assertEquals("libc.so.6", found.path());
        assertTrue(found.symbols().find("strlen").isPresent());
        assertEquals(2, found.attempts().size());
    }
}
