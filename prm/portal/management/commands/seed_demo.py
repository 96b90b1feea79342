from django.core.management.base import BaseCommand

from prm.portal.demo import seed_demo


class Command(BaseCommand):
    help = "Load the demo vendors (Acme Networks, Globex Systems) with partners, users and a catalogue."

    def handle(self, *args, **options):
        created = seed_demo()
        if created:
            self.stdout.write(f"Loaded demo vendors: {', '.join(t.name for t in created)}")
        else:
            self.stdout.write("Demo vendors already loaded.")
