package dev.vela.domain.planted;

import jakarta.inject.Inject;

/** A deliberate violation, checked by ArchitectureTest: the domain must not use CDI. */
public class DomainClassUsingJakarta {

    @Inject
    Object injected;
}
